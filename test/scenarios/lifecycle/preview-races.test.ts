import { describe, expect, it } from "vitest";
import { PREVIEW_TAGS } from "../../../scripts/lifecycle/preview-lifecycle";
import { Scenario, scenarioPerTest, SHA_A, SHA_B } from "./harness";

describe("PR previews: races, closing and teardown", () => {
  let s: Scenario;
  scenarioPerTest((scenario) => (s = scenario));

  it("lets the newest of two racing pushes win: the older run waits on the lock and never reports over the newer", async () => {
    const pr = s.github.state.openPullRequest({ author: "writer", headRef: "feature/race", headSha: SHA_A });
    expect((await s.run(s.comment(pr, "writer", "/preview"))).outcome).toBe("deployed");

    const held = s.holdUp(`pr-${pr}`);
    s.github.state.push(pr, "c".repeat(40));
    const first = s.run({ kind: "update", pr, actor: "writer", trigger: "push", sha: "c".repeat(40) });
    // The second push lands while the first run's up holds the stack; the second run waits for the lock.
    await s.waitForCall("up", `pr-${pr}`, 1);
    s.github.state.push(pr, SHA_B);
    const second = s.run({ kind: "update", pr, actor: "writer", trigger: "push", sha: SHA_B });
    await s.waitForLog(/locked by another update; waiting/);
    held.release();
    const [a, b] = await Promise.all([first, second]);

    expect(a.outcome).toBe("superseded");
    expect(b.outcome).toBe("deployed");
    expect(s.status(pr).status).toMatchObject({ state: "ready", commit: SHA_B });
    expect((await s.deps.engine.tags(`pr-${pr}`))[PREVIEW_TAGS.commit]).toBe(SHA_B);
  });

  it("destroys a PR closed while its creation is running, after the creation releases the lock", async () => {
    const pr = s.github.state.openPullRequest({ author: "writer", headRef: "feature/close", headSha: SHA_A });
    const held = s.holdUp(`pr-${pr}`);
    const create = s.run(s.comment(pr, "writer", "/preview"));
    await s.waitForCall("up", `pr-${pr}`);
    s.github.state.close(pr, true);
    const close = s.run({ kind: "destroy", pr, actor: "writer", trigger: "close" });
    await s.waitForLog(/locked by another update; waiting/);
    held.release();
    const [created, closed] = await Promise.all([create, close]);

    expect(created.outcome).toBe("closed");
    expect(closed.outcome).toBe("destroyed");
    expect(await s.stacks()).toEqual([]);
    expect(s.status(pr)).toMatchObject({ status: { state: "destroyed" }, count: 1 });
  });

  it("retries a destroy that fails twice, verifies the stack is empty, then removes it", async () => {
    const pr = s.github.state.openPullRequest({ author: "writer", headRef: "feature/flaky", headSha: SHA_A });
    await s.run(s.comment(pr, "writer", "/preview"));
    s.pulumi.setWorld({ stacks: { [`pr-${pr}`]: { failDestroy: 2 } } });
    s.github.state.close(pr);
    const result = await s.run({ kind: "destroy", pr, actor: "writer", trigger: "close" });
    expect(result.outcome).toBe("destroyed");
    expect(s.pulumi.calls().filter((c) => c[0] === "destroy").length).toBe(3);
    expect(await s.stacks()).toEqual([]);
    expect(s.pulumi.stackConfig(`pr-${pr}`)).toBeUndefined();
  });

  it("keeps a stack whose destroy keeps failing, never removing it with resources alive", async () => {
    const pr = s.github.state.openPullRequest({ author: "writer", headRef: "feature/stuck", headSha: SHA_A });
    await s.run(s.comment(pr, "writer", "/preview"));
    s.pulumi.setWorld({ stacks: { [`pr-${pr}`]: { failDestroy: 9 } } });
    const result = await s.run(s.comment(pr, "writer", "/destroy"));
    expect(result.outcome).toBe("destroy-failed");
    const summary = (await s.deps.engine.listStacks()).find((x) => x.name === `pr-${pr}`);
    expect(summary?.resourceCount).toBeGreaterThan(0);
    expect(s.status(pr).status).toMatchObject({ state: "destroy-failed", remaining: summary?.resourceCount });
    expect(s.pulumi.calls().some((c) => c[0] === "stack" && c[1] === "rm")).toBe(false);
    expect(s.pulumi.calls().some((c) => c.includes("--force"))).toBe(false);
  });
});
