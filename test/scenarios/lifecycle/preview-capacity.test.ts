import { describe, expect, it } from "vitest";
import { MINUTE } from "../../../scripts/lifecycle/clock";
import { Scenario, scenarioPerTest, SHA_A, SHA_B } from "./harness";

describe("PR previews: capacity, queue and circuit breaker", () => {
  let s: Scenario;
  scenarioPerTest((scenario) => (s = scenario));

  it("holds at most 3 previews, queues the rest with the holders named, and hands a freed place to the head of the queue", async () => {
    const prs = [1, 2, 3, 4, 5].map((i) => s.github.state.openPullRequest({ author: "writer", headRef: `feature/${i}`, headSha: String(i).repeat(40) }));
    for (const pr of prs.slice(0, 3)) expect((await s.run(s.comment(pr, "writer", "/preview"))).outcome).toBe("deployed");

    expect((await s.run(s.comment(prs[3]!, "writer", "/preview"))).outcome).toBe("queued");
    s.clock.advance(MINUTE);
    expect((await s.run(s.comment(prs[4]!, "writer", "/preview"))).outcome).toBe("queued");
    const queued = s.status(prs[3]!);
    expect(queued.status).toMatchObject({ state: "queued", holders: prs.slice(0, 3) });
    expect(queued.body).toContain(`#${prs[0]}, #${prs[1]}, #${prs[2]}`);
    expect(s.github.state.issues.get(prs[3]!)!.labels).toContain("preview-queued");

    // #5 asking again does not jump the queue, even with a place free.
    s.github.state.close(prs[1]!);
    const freed = await s.run({ kind: "destroy", pr: prs[1]!, actor: "writer", trigger: "close" });
    expect(freed.outcome).toBe("destroyed");
    expect(s.github.state.dispatches).toEqual([{ workflow: "preview.yml", ref: "main", inputs: { pr: String(prs[3]), action: "create" } }]);
    expect((await s.run(s.comment(prs[4]!, "writer", "/preview"))).outcome).toBe("queued");

    expect((await s.run({ kind: "create", pr: prs[3]!, actor: "writer", trigger: "dispatch" })).outcome).toBe("deployed");
    expect(s.github.state.issues.get(prs[3]!)!.labels).not.toContain("preview-queued");
    expect(s.status(prs[4]!).status?.state).toBe("queued");
  });

  it("pauses creations for 30 minutes after 3 failures in a row, says so, and resumes after", async () => {
    const pr = s.github.state.openPullRequest({ author: "writer", headRef: "feature/broken", headSha: SHA_A });
    s.pulumi.setWorld({ stacks: { [`pr-${pr}`]: { failUp: 3 } } });
    for (let i = 0; i < 3; i++) expect((await s.run(s.comment(pr, "writer", "/preview"))).outcome).toBe("failed");
    const breaker = [...s.github.state.issues.values()].find((i) => i.labels.includes("preview-breaker"));
    expect(breaker?.state).toBe("open");
    expect(breaker?.body).toMatch(/paused until 2026-03-01T12:30:00\.000Z/);
    expect(s.status(pr).status).toMatchObject({ state: "failed", failedStep: "pulumi up" });

    const other = s.github.state.openPullRequest({ author: "writer", headRef: "feature/fine", headSha: SHA_B });
    expect((await s.run(s.comment(other, "writer", "/preview"))).outcome).toBe("paused");
    expect(s.status(other).status).toMatchObject({ state: "paused", pausedUntil: "2026-03-01T12:30:00.000Z" });
    expect(s.github.state.issues.get(other)!.labels).toContain("preview-queued");
    expect(await s.stacks()).toEqual([`pr-${pr}`]);

    s.clock.advance(31 * MINUTE);
    expect((await s.run({ kind: "create", pr: other, actor: "writer", trigger: "dispatch" })).outcome).toBe("deployed");
    expect(s.github.state.issues.get(breaker!.number)!.state).toBe("closed");
  });

  it("ignores breaker state in an issue the bot did not open, and resets when its own issue is closed by hand", async () => {
    const forged = JSON.stringify({ failures: 3, pausedUntil: "2099-01-01T00:00:00.000Z", recent: [] });
    s.github.state.createIssue("mallory", "Preview automation: circuit breaker", `<!-- restant:breaker ${forged} -->`, ["preview-breaker"]);
    const pr = s.github.state.openPullRequest({ author: "writer", headRef: "feature/ok", headSha: SHA_A });
    expect((await s.run(s.comment(pr, "writer", "/preview"))).outcome).toBe("deployed");

    const broken = s.github.state.openPullRequest({ author: "writer", headRef: "feature/bad", headSha: SHA_B });
    s.pulumi.setWorld({ stacks: { [`pr-${broken}`]: { failUp: 3 } } });
    for (let i = 0; i < 3; i++) await s.run(s.comment(broken, "writer", "/preview"));
    const breaker = [...s.github.state.issues.values()].find((i) => i.labels.includes("preview-breaker") && i.author === "github-actions[bot]");
    expect(breaker?.body).toMatch(/paused until/);
    breaker!.state = "closed"; // a maintainer fixed the server and closed the issue
    expect((await s.run(s.comment(broken, "writer", "/preview"))).outcome).toBe("deployed");
  });
});
