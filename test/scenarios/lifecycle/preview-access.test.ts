import { describe, expect, it } from "vitest";
import { DAY } from "../../../scripts/lifecycle/clock";
import { PREVIEW_TAGS } from "../../../scripts/lifecycle/preview-lifecycle";
import { Scenario, scenarioPerTest, SHA_A, SHA_B } from "./harness";

describe("PR previews: who may ask, what the comment shows", () => {
  let s: Scenario;
  scenarioPerTest((scenario) => (s = scenario));

  it("makes a preview on /preview from a writer: one comment with URL, commit and expiry, tags, Sentry release", async () => {
    const pr = s.github.state.openPullRequest({ author: "writer", headRef: "feature/Checkout", headSha: SHA_A });
    const result = await s.run(s.comment(pr, "writer", "/preview"));
    expect(result.outcome).toBe("deployed");

    const { status, count, body } = s.status(pr);
    expect(count).toBe(1);
    expect(status).toMatchObject({ state: "ready", commit: SHA_A, url: `https://restant-pr-${pr}.restant.app` });
    expect(Date.parse(status!.expiresAt!)).toBe(s.clock.now().getTime() + 30 * DAY);
    expect(body).toContain("Preview ready");

    const tags = await s.deps.engine.tags(`pr-${pr}`);
    expect(tags[PREVIEW_TAGS.commit]).toBe(SHA_A);
    expect(tags[PREVIEW_TAGS.pr]).toBe(String(pr));
    // The stack got the same config `plan` synthesizes for (PR, branch).
    expect(s.pulumi.stackConfig(`pr-${pr}`)).toContain("restant:branch: feature/Checkout");
    expect(s.sentry.releases.get(SHA_A)?.deploys).toEqual([{ environment: `pr-${pr}`, url: `https://restant-pr-${pr}.restant.app` }]);

    // Every up and preview ran with the policy pack; no secret output ever reached a command line.
    const ups = s.pulumi.calls().filter((c) => c[0] === "up");
    expect(ups.length).toBe(1);
    expect(ups[0]).toEqual(expect.arrayContaining(["--policy-pack", "policies"]));
    const secrets = Object.values(await s.deps.engine.outputs(`pr-${pr}`)).filter((o) => o.secret).map((o) => String(o.value));
    for (const call of s.pulumi.calls()) for (const secret of secrets) expect(call.join(" ")).not.toContain(secret);
    for (const comment of s.github.state.comments) for (const secret of secrets) expect(comment.body).not.toContain(secret);
  });

  it("refuses a comment from a user without write permission, and makes nothing", async () => {
    const pr = s.github.state.openPullRequest({ author: "writer", headRef: "feature/x", headSha: SHA_A });
    const result = await s.run(s.comment(pr, "triager", "/preview"));
    expect(result).toMatchObject({ outcome: "refused" });
    expect(await s.stacks()).toEqual([]);
    const replies = s.github.state.commentsOn(pr).filter((c) => c.author === "github-actions[bot]");
    expect(replies.map((c) => c.body).join()).toMatch(/write, maintain or admin/);
    // A stranger (read on a public repository) is refused the same way, /destroy included.
    expect((await s.run(s.comment(pr, "stranger", "/destroy"))).outcome).toBe("refused");
  });

  it("gives a fork PR a preview only after a maintainer adds the label, and not for its later pushes", async () => {
    const pr = s.github.state.openPullRequest({ author: "outsider", headRef: "main", headSha: SHA_A, fork: true });
    expect((await s.run(s.comment(pr, "maintainer", "/preview"))).outcome).toBe("refused");
    expect(await s.stacks()).toEqual([]);

    // The outsider cannot label; a triager labelling is not enough either.
    s.github.state.issues.get(pr)!.labels.push("preview");
    expect((await s.run({ kind: "create", pr, actor: "triager", trigger: "label", sha: SHA_A })).outcome).toBe("refused");
    expect(await s.stacks()).toEqual([]);

    expect((await s.run({ kind: "create", pr, actor: "maintainer", trigger: "label", sha: SHA_A })).outcome).toBe("deployed");
    expect(await s.stacks()).toEqual([`pr-${pr}`]);

    s.github.state.push(pr, SHA_B);
    const push = await s.run({ kind: "update", pr, actor: "outsider", trigger: "push", sha: SHA_B });
    expect(push.outcome).toBe("refused");
    expect(s.github.state.issues.get(pr)!.labels).not.toContain("preview");
    expect((await s.deps.engine.tags(`pr-${pr}`))[PREVIEW_TAGS.commit]).toBe(SHA_A);
    expect(s.pulumi.calls().filter((c) => c[0] === "up").length).toBe(1);
  });

  it("refuses to post a comment that would contain a secret, and says why without the secret", async () => {
    const pr = s.github.state.openPullRequest({ author: "writer", headRef: "feature/leak", headSha: SHA_A });
    s.pulumi.setWorld({ stacks: { [`pr-${pr}`]: { leakSecretIntoUrl: "appKey" } } });
    const result = await s.run(s.comment(pr, "writer", "/preview"));
    expect(result.outcome).toBe("failed");
    const appKey = String((await s.deps.engine.outputs(`pr-${pr}`)).appKey?.value);
    expect(appKey.length).toBeGreaterThan(20);
    for (const comment of s.github.state.comments) expect(comment.body).not.toContain(appKey);
    expect(s.status(pr).status).toMatchObject({ state: "failed", failedStep: expect.stringMatching(/secret/) });
    expect(s.log.join("")).toMatch(/refused to publish the preview comment on #\d+: it contains the value of a secret stack output/);
  });

  it("ignores a push to a PR that never asked for a preview", async () => {
    const pr = s.github.state.openPullRequest({ author: "writer", headRef: "feature/quiet", headSha: SHA_A });
    expect((await s.run({ kind: "update", pr, actor: "writer", trigger: "push", sha: SHA_A })).outcome).toBe("ignored");
    expect(s.pulumi.calls().filter((c) => c[0] === "up")).toEqual([]);
  });
});
