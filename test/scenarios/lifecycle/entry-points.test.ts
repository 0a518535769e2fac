import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TEAM_VALUES } from "../../support/team-values";
import { ciScript } from "./ci-script";
import { Scenario, SHA_A } from "./harness";

/** The thin CLI entry points as CI runs them: `node build/scripts/<name>.js`, everything from env and the event file. */
describe("scripts/{preview,deploy,drift,reap}.ts as CI runs them", () => {
  let s: Scenario;
  beforeAll(async () => {
    s = await Scenario.start();
    s.github.setRole("writer", "write");
  });
  afterAll(async () => {
    await s.stop();
  });

  const script: ReturnType<typeof ciScript> = (name, event, extra) => ciScript(s)(name, event, extra);

  it("preview: a /preview comment event makes the preview and writes the run summary", async () => {
    const pr = s.github.state.openPullRequest({ author: "writer", headRef: "feature/cli", headSha: SHA_A });
    s.github.state.addComment(pr, "writer", "/preview");
    const payload = { action: "created", issue: { number: pr, pull_request: { url: "x" } }, comment: { body: "/preview", user: { login: "writer", type: "User" } } };
    const result = await script("preview", { name: "issue_comment", payload });
    expect(result.code, result.stderr).toBe(0);
    expect(result.summary).toContain(`**Preview #${pr}**: deployed`);
    expect(s.status(pr).status).toMatchObject({ state: "ready", runUrl: "https://github.com/restant/environments/actions/runs/77" });
  });

  it("deploy, drift and reap run from their events; a missing token fails clearly", async () => {
    const unverified = await script("deploy", { name: "push", payload: { ref: "refs/heads/main", after: "c".repeat(40) } });
    expect(unverified.code).toBe(2);
    expect(unverified.summary).toContain("**Deploy production**: refused");
    const staging = await script("deploy", { name: "push", payload: { ref: "refs/heads/staging", after: "c".repeat(40) } });
    expect(staging.code, staging.stderr).toBe(0);
    const push = await script("deploy", { name: "push", payload: { ref: "refs/heads/main", after: "c".repeat(40) } });
    expect(push.code, push.stderr).toBe(0);
    expect(push.summary).toContain("**Deploy production**: deployed");
    // The pushed commit is what the real program deployed, the app's SENTRY_RELEASE, and the release registered.
    const declared = s.pulumi.declared("production")!.resources;
    expect(declared.find((r) => r.name === "restant-runtime-deploy")?.inputs.create).toBe(
      `git:sync --build restant-main ${String(TEAM_VALUES["restant:gitRepository"])} ${"c".repeat(40)}`,
    );
    expect((declared.find((r) => r.name === "restant-runtime-app")?.inputs.config as Record<string, string>).SENTRY_RELEASE).toBe("c".repeat(40));
    expect(s.sentry.releases.get("c".repeat(40))?.deploys).toEqual([expect.objectContaining({ environment: "staging" }), expect.objectContaining({ environment: "main" })]);

    // History and rollback by hand, as a person runs them: what production ran, and a SHA it never ran refused by name.
    const history = await script("history", undefined, { ARGS: "production --json" });
    expect(history.code, history.stderr).toBe(0);
    expect((JSON.parse(history.stdout) as Array<Record<string, unknown>>).map((h) => [h.kind, h.commit, h.who, h.check])).toEqual([["promotion", "c".repeat(40), "writer", "passed"]]);
    const never = await script("rollback", undefined, { ARGS: `production --to ${"9".repeat(40)}` });
    expect(never.code).toBe(2);
    expect(never.stderr).toContain(`${"9".repeat(40)} was never deployed to production`);
    expect((await script("rollback", undefined, { ARGS: "" })).code).toBe(64);

    const drift = await script("drift", undefined, { ARGS: "production" });
    expect(drift.code, drift.stderr).toBe(0);
    expect(drift.summary).toContain("- production: clean (issue none)");

    const reap = await script("reap", undefined);
    expect(reap.code, reap.stderr).toBe(0);
    expect(reap.summary).toContain("the server was not inspected");

    // Bad input from an event: a pushed branch git would refuse exits 2 naming the key, before any stack is made.
    const bad = await script("deploy", { name: "push", payload: { ref: "refs/heads/-n", after: "d".repeat(40) } }, { RESTANT_LONG_LIVED_BRANCHES: "-n" });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/restant:branch: must not begin with '-'/);
    expect(bad.stderr).not.toMatch(/\n\s+at /);

    const noToken = await script("reap", undefined, { GITHUB_TOKEN: "" });
    expect(noToken.code).toBe(1);
    expect(noToken.stderr).toContain("GITHUB_TOKEN must be set");
  });
});
