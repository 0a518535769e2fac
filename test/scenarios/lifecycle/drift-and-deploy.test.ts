import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { BranchDeploy } from "../../../scripts/lifecycle/branch-deploy";
import { DriftCheck } from "../../../scripts/lifecycle/drift-check";
import { slugForBranch } from "../../../infra/names";
import { Scenario } from "./harness";

describe("long-lived stacks: deploys and drift", () => {
  let s: Scenario;
  beforeEach(async () => {
    s = await Scenario.start({ RESTANT_LONG_LIVED_BRANCHES: "release/2026, demo" });
  });
  afterEach(async () => {
    await s.stop();
  });

  const push = (branch: string, sha: string) => new BranchDeploy(s.deps).run({ kind: "deploy", branch, sha });
  const driftIssues = () => [...s.github.state.issues.values()].filter((i) => i.labels.includes("drift"));

  it("deploys main to production, staging to staging, listed branches to their stacks, and nothing else", async () => {
    // Production takes only a commit staging verified.
    expect(await push("main", "a".repeat(40))).toMatchObject({ outcome: "refused", stack: "production", detail: expect.stringMatching(/no staging stack/) });
    expect(await push("staging", "a".repeat(40))).toMatchObject({ outcome: "deployed", stack: "staging" });
    expect(await push("main", "a".repeat(40))).toMatchObject({ outcome: "deployed", stack: "production" });
    expect(await push("staging", "b".repeat(40))).toMatchObject({ outcome: "deployed", stack: "staging" });
    expect(await push("release/2026", "c".repeat(40))).toMatchObject({ outcome: "deployed", stack: slugForBranch("release/2026") });
    expect(await push("feature/x", "d".repeat(40))).toMatchObject({ outcome: "ignored" });
    expect((await s.stacks()).sort()).toEqual([slugForBranch("release/2026"), "production", "staging"].sort());
    expect(s.pulumi.stackConfig(slugForBranch("release/2026"))).toContain("restant:branch: release/2026");
    expect(s.sentry.releases.get("a".repeat(40))?.deploys).toEqual([
      { environment: "staging", url: "https://restant.staging.restant.app" },
      { environment: "main", url: "https://restant.main.restant.app" },
    ]);
  });

  it("tells clean, drifted and failed checks apart; one issue per stack, secrets masked, closed when clean", async () => {
    await push("staging", "a".repeat(40));
    await push("main", "a".repeat(40));
    await push("staging", "b".repeat(40));
    const appKey = String((await s.deps.engine.outputs("production")).appKey?.value);
    expect(appKey).toMatch(/^base64:.{40,}/);

    expect(await new DriftCheck(s.deps).run()).toEqual([
      { stack: "production", outcome: "clean", issue: "none" },
      { stack: "staging", outcome: "clean", issue: "none" },
    ]);

    s.pulumi.setWorld({
      stacks: {
        production: {
          drift: [
            { resource: "restant-runtime-app", field: "domains", actual: ["restant.main.restant.app", "evil.example.net"] },
            { resource: "restant-runtime-app", field: "env", actual: `APP_KEY=${appKey}` },
            { resource: "restant-dns-a", field: "proxied", actual: true },
          ],
        },
        staging: { previewError: "dokku: ssh: connect to host dokku.example.com port 22: connection refused" },
      },
    });
    const first = await new DriftCheck(s.deps).run();
    expect(first).toEqual([
      { stack: "production", outcome: "drifted", issue: "opened" },
      { stack: "staging", outcome: "error", issue: "none", detail: expect.stringContaining("connection refused") },
    ]);
    const [issue] = driftIssues();
    expect(issue?.title).toBe("Drift in stack production");
    expect(issue?.body).toContain("`domains`");
    expect(issue?.body).toContain("evil.example.net");
    expect(issue?.body).toContain("`proxied`: server has `true`, program declares `false`");
    expect(issue?.body).toContain("APP_KEY=[secret]");
    expect(issue?.body).not.toContain(appKey);
    expect(issue?.body).not.toContain(appKey.slice("base64:".length));

    expect((await new DriftCheck(s.deps).run(["production"]))[0]).toMatchObject({ outcome: "drifted", issue: "unchanged" });
    expect(driftIssues()).toHaveLength(1);

    // The drift check ran the engine's own drift detection, with the policy pack (as every deploy's preview does).
    const previews = s.pulumi.calls().filter((c) => c[0] === "preview");
    expect(previews.filter((c) => c.includes("--expect-no-changes")).length).toBeGreaterThanOrEqual(3);
    expect(previews.every((c) => c.includes("--refresh") && c.includes("policies"))).toBe(true);

    // Staging's server answers again: its deploy, previewed first, goes through.
    const world = s.pulumi.world();
    s.pulumi.setWorld({ ...world, stacks: { ...world.stacks, staging: {} } });
    await push("staging", "e".repeat(40));
    await push("main", "e".repeat(40)); // the deploy's up refreshes first, so it puts the declared values back
    expect(s.pulumi.calls().filter((c) => c[0] === "up").every((c) => c.includes("--refresh"))).toBe(true);
    expect((await new DriftCheck(s.deps).run(["production"]))[0]).toMatchObject({ outcome: "clean", issue: "closed" });
    expect(issue?.state).toBe("closed");
    expect(s.github.state.commentsOn(issue!.number).map((c) => c.body).join()).toMatch(/clean again/);
    expect(await new DriftCheck(s.deps).run(["production"])).toEqual([{ stack: "production", outcome: "clean", issue: "none" }]);
  });
});
