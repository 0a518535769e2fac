import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { BranchDeploy } from "../../../scripts/lifecycle/branch-deploy";
import { deployHistory } from "../../../scripts/lifecycle/deploy-history";
import { Rollback } from "../../../scripts/lifecycle/rollback";
import type { StoredDeployment } from "../../doubles/github/github-state";
import { Scenario } from "./harness";

const A = "a".repeat(40);
const B = "b".repeat(40);
const C = "c".repeat(40);
const D = "d".repeat(40);
const RUN = "https://github.com/restant/environments/actions/runs/42";

/**
 * Deploys of long-lived stacks as users meet them: each is a GitHub Deployment whose statuses go in order, "ready"
 * only after https://<host>/health answers through a trusted certificate (the app double over HTTPS), a failed check
 * on staging or production rolls back to the last verified commit, production takes only what staging verified, and
 * the stack's history says all of it.
 */
describe("verified deploys, rollback, promotion and history", () => {
  let s: Scenario;
  beforeEach(async () => {
    s = await Scenario.start({ GITHUB_ACTOR: "maintainer" });
  });
  afterEach(async () => {
    await s.stop();
  });

  const push = (branch: string, sha: string) => new BranchDeploy(s.deps).run({ kind: "deploy", branch, sha });
  const deploymentsOf = (environment: string) => s.github.state.deployments.filter((d) => d.environment === environment);
  const states = (d: StoredDeployment | undefined) => d?.statuses.map((status) => status.state);
  const payloadOf = (d: StoredDeployment | undefined) => d?.payload as Record<string, string> | undefined;

  it("records each deploy as a GitHub Deployment: in_progress, then success once checked, inactive once superseded", async () => {
    expect(await push("staging", A)).toMatchObject({ outcome: "deployed", stack: "staging" });
    expect(await push("staging", B)).toMatchObject({ outcome: "deployed", stack: "staging" });

    const [first, second] = deploymentsOf("staging");
    expect(first).toMatchObject({ sha: A, transient: false, production: false, creator: "github-actions[bot]" });
    expect(payloadOf(first)).toEqual({ kind: "deploy", stack: "staging", actor: "maintainer" });
    expect(states(first)).toEqual(["in_progress", "success", "inactive"]);
    expect(states(second)).toEqual(["in_progress", "success"]);
    const success = second!.statuses[1]!;
    expect(success).toMatchObject({ environmentUrl: "https://restant.staging.restant.app", logUrl: RUN });
    expect(success.description).toBe("https://restant.staging.restant.app/up answered 200");
    // The check asked the environment's own host over HTTPS, once per deploy.
    expect(s.app.requests.filter((r) => r.host === "restant.staging.restant.app").map((r) => r.path)).toEqual(["/up", "/up"]);

    const history = await deployHistory(s.deps.engine, "staging", 10);
    expect(history.map((h) => [h.kind, h.commit, h.who, h.result, h.check, h.rolledBack])).toEqual([
      ["deploy", B, "maintainer", "succeeded", "passed", false],
      ["deploy", A, "maintainer", "succeeded", "passed", false],
    ]);
  });

  it("a failed check on staging rolls back to the last verified commit and reports both", async () => {
    await push("staging", A);
    s.brokenCommits.add(B);
    const result = await push("staging", B);
    expect(result).toMatchObject({ outcome: "rolled-back", stack: "staging" });
    expect(result.detail).toMatch(new RegExp(`${B} failed its check \\(health check failed: 503 after \\d+(\\.\\d)? min\\); rollback: rolled-back`));
    // The app runs the old commit again: the stack was re-applied at A.
    expect(s.commitOf("staging")).toBe(A);
    expect(s.pulumi.declared("staging")!.resources.find((r) => r.name === "restant-runtime-deploy")?.inputs.create).toMatch(new RegExp(` ${A}$`));

    const [deployA, deployB, rollback] = deploymentsOf("staging");
    expect(states(deployB)).toEqual(["in_progress", "failure"]);
    expect(deployB!.statuses[1]!.description).toMatch(/^health check failed: 503 after/);
    expect(rollback).toMatchObject({ sha: A });
    expect(payloadOf(rollback)).toEqual({ kind: "rollback", stack: "staging", actor: "maintainer", rolledBackFrom: B });
    expect(states(rollback)).toEqual(["in_progress", "success"]);
    expect(states(deployA)).toEqual(["in_progress", "success", "inactive"]);

    const history = await deployHistory(s.deps.engine, "staging", 10);
    expect(history.map((h) => [h.kind, h.commit, h.check, h.rolledBack, h.from])).toEqual([
      ["rollback", A, "passed", false, B],
      ["deploy", B, "failed", true, undefined],
      ["deploy", A, "passed", false, undefined],
    ]);
  });

  it("production deploys only a commit staging verified, and its Deployment links staging's", async () => {
    expect(await push("staging", A)).toMatchObject({ outcome: "deployed" });
    s.brokenCommits.add(C);
    expect(await push("staging", C)).toMatchObject({ outcome: "rolled-back" });

    const refused = await push("main", C);
    expect(refused).toMatchObject({ outcome: "refused", stack: "production" });
    expect(refused.detail).toBe(`${C} was never deployed and verified on staging (or not among its last verified commits): push it to staging first`);
    expect(await s.stacks()).not.toContain("production");

    // A later successful staging Deployment of A that this automation did not make (another workflow, a person with
    // Deployments: write): production never links it as the one that verified A.
    const foreign = s.github.state.createDeployment({
      sha: A, ref: A, task: "deploy", environment: "staging", description: "by hand", payload: { kind: "deploy", stack: "staging" },
      creator: "mallory", transient: false, production: false,
    });
    s.github.state.addDeploymentStatus(foreign, { state: "success", description: "", environmentUrl: "", logUrl: "", creator: "mallory" }, false);

    expect(await push("main", A)).toMatchObject({ outcome: "deployed", stack: "production" });
    const [production] = deploymentsOf("production");
    // The newest staging Deployment that verified A: the rollback that went back to it.
    const stagingOfA = deploymentsOf("staging")
      .filter((d) => d.sha === A && d.creator === "github-actions[bot]" && d.statuses.some((st) => st.state === "success"))
      .at(-1)!;
    expect(payloadOf(stagingOfA)?.kind).toBe("rollback");
    expect(production).toMatchObject({ sha: A, production: true });
    expect(payloadOf(production)).toEqual({
      kind: "promotion",
      stack: "production",
      actor: "maintainer",
      promotedFrom: `${s.github.url}/repos/restant/environments/deployments/${stagingOfA.id}`,
    });
    expect(states(production)).toEqual(["in_progress", "success"]);

    // The production workflow's dispatch without a commit promotes staging's last verified one.
    await push("staging", D);
    expect(await new BranchDeploy(s.deps).run({ kind: "deploy", branch: "main", sha: "e".repeat(40), stagingVerified: true })).toMatchObject({
      outcome: "deployed",
    });
    expect(s.commitOf("production")).toBe(D);
    expect(states(deploymentsOf("production")[0])).toEqual(["in_progress", "success", "inactive"]);
  });

  it("a preview is ready only once it answers through its basic auth; a failing check says so and is no rollback", async () => {
    s.github.setRole("writer", "write");
    const pr = s.github.state.openPullRequest({ author: "writer", headRef: "feature/checked", headSha: A });
    expect(await s.run(s.comment(pr, "writer", "/preview"))).toMatchObject({ outcome: "deployed" });
    const password = (await s.deps.engine.outputs(`pr-${pr}`)).basicAuthPassword?.value;
    const asked = s.app.requests.filter((r) => r.host === `restant-pr-${pr}.restant.app`);
    expect(asked.map((r) => r.basicAuth)).toEqual([{ user: "restant", password }]);
    expect(s.status(pr).status).toMatchObject({ state: "ready", commit: A });

    s.brokenCommits.add(B);
    s.github.state.push(pr, B);
    expect(await s.run({ kind: "update", pr, actor: "writer", trigger: "push", sha: B })).toMatchObject({ outcome: "failed" });
    expect(s.status(pr).status).toMatchObject({ state: "failed", commit: B, failedStep: expect.stringMatching(/^health check failed: 503 after/) });
    const [first, second] = deploymentsOf(`pr-${pr}`);
    expect(first).toMatchObject({ transient: true, production: false });
    expect(states(first)).toEqual(["in_progress", "success"]);
    expect(states(second)).toEqual(["in_progress", "failure"]);
    expect(s.commitOf(`pr-${pr}`)).toBe(B);

    // The preview's own page goes with it: a destroy leaves no transient deployment active (GitHub shows "destroyed").
    s.github.state.push(pr, C);
    expect(await s.run({ kind: "update", pr, actor: "writer", trigger: "push", sha: C })).toMatchObject({ outcome: "deployed" });
    expect(await s.run({ kind: "destroy", pr, actor: "writer", trigger: "comment" })).toMatchObject({ outcome: "destroyed" });
    expect(deploymentsOf(`pr-${pr}`).map((d) => d.statuses.at(-1)?.state)).toEqual(["inactive", "failure", "inactive"]);
  });

  it("a rollback by hand refuses a commit the stack never ran, waits for the stack's lock, then reads the history again", async () => {
    await push("staging", A);
    await push("staging", B);
    const never = await new Rollback(s.deps).run({ stack: "staging", to: C, actor: "maintainer" });
    expect(never).toEqual({ outcome: "refused", stack: "staging", detail: `${C} was never deployed to staging: a rollback only goes back to a commit the stack ran` });
    expect(await new Rollback(s.deps).run({ stack: "pr-3", actor: "maintainer" })).toMatchObject({ outcome: "refused", detail: expect.stringMatching(/is a preview/) });

    // Another deploy holds the lock while the rollback starts: the rollback waits, then goes back from what that
    // deploy left (D), not from what the stack ran when the rollback was asked for.
    const hold = s.holdUp("staging");
    const deploying = push("staging", D);
    await s.waitForCall("up", "staging", 2);
    const rollingBack = new Rollback(s.deps).run({ stack: "staging", to: A, actor: "maintainer" });
    await s.waitForLog(/stack staging is locked by another update; waiting 15s before rolling back/);
    hold.release();
    expect(await deploying).toMatchObject({ outcome: "deployed" });
    const rolled = await rollingBack;
    expect(rolled).toMatchObject({ outcome: "rolled-back", sha: A });
    expect(s.commitOf("staging")).toBe(A);
    const rollback = deploymentsOf("staging").at(-1);
    expect(payloadOf(rollback)).toMatchObject({ kind: "rollback", rolledBackFrom: D });
    expect(states(rollback)).toEqual(["in_progress", "success"]);
    // The database is not part of a rollback: the only server step the re-applied stack changes is the deploy.
    expect(s.log.join("")).toContain(`rolling staging back to ${A} from ${D}; the database is not touched`);
  });
});
