import { describe, expect, it } from "vitest";
import { PREVIEW_TAGS } from "../../../scripts/lifecycle/preview-lifecycle";
import { Scenario, scenarioPerTest, SHA_A, SHA_B } from "./harness";

/** A fork's preview deploys only the commit a maintainer's label approved, however and whenever its run starts. */
describe("PR previews from forks", () => {
  let s: Scenario;
  scenarioPerTest((scenario) => {
    s = scenario;
    s.setPlatformConfig({ "restant:previewLimit": 1 });
  });

  const ups = (pr: number) => s.pulumi.calls().filter((c) => c[0] === "up" && c.includes(`pr-${pr}`)).length;
  const labels = (pr: number) => s.github.state.issues.get(pr)!.labels;

  it("never deploys the unlabelled commit a fork pushed while it waited in the queue (the queue race)", async () => {
    const holder = s.github.state.openPullRequest({ author: "writer", headRef: "feature/holder", headSha: "c".repeat(40) });
    expect((await s.run(s.comment(holder, "writer", "/preview"))).outcome).toBe("deployed");

    // A maintainer labels the fork at A while the only place is taken: queued, approval of A recorded.
    const fork = s.github.state.openPullRequest({ author: "outsider", headRef: "main", headSha: SHA_A, fork: true });
    s.github.state.issues.get(fork)!.labels.push("preview");
    expect((await s.run({ kind: "create", pr: fork, actor: "maintainer", trigger: "label", sha: SHA_A })).outcome).toBe("queued");
    expect(labels(fork)).toEqual(expect.arrayContaining(["preview", "preview-queued"]));
    expect(s.status(fork).status).toMatchObject({ state: "queued", approvedCommit: SHA_A });

    // The author pushes B: the push run drops both labels, so the queue no longer holds the fork.
    s.github.state.push(fork, SHA_B);
    expect((await s.run({ kind: "update", pr: fork, actor: "outsider", trigger: "push", sha: SHA_B })).outcome).toBe("refused");
    expect(labels(fork)).not.toContain("preview");
    expect(labels(fork)).not.toContain("preview-queued");

    // The place frees: nothing is dispatched for the fork...
    s.github.state.close(holder);
    expect((await s.run({ kind: "destroy", pr: holder, actor: "writer", trigger: "close" })).outcome).toBe("destroyed");
    expect(s.github.state.dispatches).toEqual([]);
    // ...and a dispatch already on its way (the race) re-checks at deploy time and deploys nothing.
    const raced = await s.run({ kind: "create", pr: fork, actor: "github-actions[bot]", trigger: "dispatch" });
    expect(raced).toMatchObject({ outcome: "refused", detail: expect.stringMatching(/not approved/) });
    // Even with the label put back by hand without a new label event, B was never approved.
    s.github.state.issues.get(fork)!.labels.push("preview");
    expect((await s.run({ kind: "create", pr: fork, actor: "github-actions[bot]", trigger: "dispatch" })).outcome).toBe("refused");
    expect(ups(fork)).toBe(0);
    expect(await s.stacks()).toEqual([]);
    expect(s.status(fork).status?.note).toMatch(/not the commit a maintainer approved/);
  });

  it("deploys the labelled commit when its queued run is picked up, and B only after B is labelled", async () => {
    const holder = s.github.state.openPullRequest({ author: "writer", headRef: "feature/holder", headSha: "c".repeat(40) });
    expect((await s.run(s.comment(holder, "writer", "/preview"))).outcome).toBe("deployed");
    const fork = s.github.state.openPullRequest({ author: "outsider", headRef: "main", headSha: SHA_A, fork: true, labels: ["preview"] });
    expect((await s.run({ kind: "create", pr: fork, actor: "maintainer", trigger: "label", sha: SHA_A })).outcome).toBe("queued");

    s.github.state.close(holder);
    await s.run({ kind: "destroy", pr: holder, actor: "writer", trigger: "close" });
    expect(s.github.state.dispatches).toEqual([{ workflow: "preview.yml", ref: "main", inputs: { pr: String(fork), action: "create" } }]);
    expect((await s.run({ kind: "create", pr: fork, actor: "github-actions[bot]", trigger: "dispatch" })).outcome).toBe("deployed");
    expect((await s.deps.engine.tags(`pr-${fork}`))[PREVIEW_TAGS.commit]).toBe(SHA_A);
    expect(s.pulumi.stackConfig(`pr-${fork}`)).toContain(`restant:commit: ${SHA_A}`);

    s.github.state.push(fork, SHA_B);
    expect((await s.run({ kind: "update", pr: fork, actor: "outsider", trigger: "push", sha: SHA_B })).outcome).toBe("refused");
    expect(ups(fork)).toBe(1);
    s.github.state.issues.get(fork)!.labels.push("preview");
    expect((await s.run({ kind: "create", pr: fork, actor: "maintainer", trigger: "label", sha: SHA_B })).outcome).toBe("deployed");
    expect(s.pulumi.stackConfig(`pr-${fork}`)).toContain(`restant:commit: ${SHA_B}`);
  });

  it("deploys the commit in the label event, and refuses when the head moved after the label", async () => {
    const fork = s.github.state.openPullRequest({ author: "outsider", headRef: "feature/x", headSha: SHA_A, fork: true, labels: ["preview"] });
    s.github.state.push(fork, SHA_B);
    const late = await s.run({ kind: "create", pr: fork, actor: "maintainer", trigger: "label", sha: SHA_A });
    expect(late).toMatchObject({ outcome: "superseded" });
    expect(ups(fork)).toBe(0);
  });
});
