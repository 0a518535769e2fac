import { describe, expect, it } from "vitest";
import { BranchDeploy } from "../../../scripts/lifecycle/branch-deploy";
import { TEAM_VALUES } from "../../support/team-values";
import { Scenario, scenarioPerTest, SHA_A, SHA_B } from "./harness";

/** The app's repository, as the team's Pulumi.yaml declares it for every stack (the double's project). */
const REPOSITORY = String(TEAM_VALUES["restant:gitRepository"]);

/**
 * The whole path of a commit: a CI event → the real script → the stack config it sets → the real program (evaluated by
 * the pulumi CLI double under Pulumi's mocks) → the deploy command and app config it declares → the Sentry release.
 */
describe("every deploy carries its commit", () => {
  let s: Scenario;
  scenarioPerTest((scenario) => (s = scenario));

  const declared = (stack: string, name: string) => {
    const resource = s.pulumi.declared(stack)?.resources.find((r) => r.name === name);
    if (!resource) throw new Error(`the program declared no ${name} in ${stack}`);
    return resource.inputs;
  };
  const appConfig = (stack: string) => declared(stack, "restant-runtime-app").config as Record<string, string>;

  it("after /preview and a push, the deploy command targets refs/pull/<n>/head at the new SHA and its triggers changed", async () => {
    // A head branch named main: the base repository's main must never be what the preview deploys.
    const pr = s.github.state.openPullRequest({ author: "writer", headRef: "main", headSha: SHA_A });
    expect((await s.run(s.comment(pr, "writer", "/preview"))).outcome).toBe("deployed");
    const first = declared(`pr-${pr}`, "restant-runtime-deploy");
    expect(first.create).toBe(`git:sync --build restant-pr-${pr} ${REPOSITORY} ${SHA_A}`);
    expect(first.triggers).toEqual([REPOSITORY, `refs/pull/${pr}/head`, SHA_A]);
    expect(declared(`pr-${pr}`, "restant-runtime-source").create).toBe(`git:sync restant-pr-${pr} ${REPOSITORY} main`);
    expect(s.pulumi.stackConfig(`pr-${pr}`)).toContain(`restant:commit: ${SHA_A}`);

    s.github.state.push(pr, SHA_B);
    expect((await s.run({ kind: "update", pr, actor: "writer", trigger: "push", sha: SHA_B })).outcome).toBe("deployed");
    const second = declared(`pr-${pr}`, "restant-runtime-deploy");
    expect(second.create).toBe(`git:sync --build restant-pr-${pr} ${REPOSITORY} ${SHA_B}`);
    expect(second.triggers).toEqual([REPOSITORY, `refs/pull/${pr}/head`, SHA_B]);
    expect(second.triggers).not.toEqual(first.triggers);
    // The engine saw the deploy command change (so remote.Command runs it again); the one-time clone did not.
    expect(s.log.join("")).toMatch(/~ command:remote:Command restant-runtime-deploy updated/);
    expect(s.log.join("")).not.toMatch(/~ command:remote:Command restant-runtime-source updated/);

    // SENTRY_RELEASE is the commit deployed, and the release CI registered is the same value.
    expect(appConfig(`pr-${pr}`).SENTRY_RELEASE).toBe(SHA_B);
    expect(s.sentry.releases.get(SHA_B)?.deploys).toEqual([expect.objectContaining({ environment: `pr-${pr}` })]);
    expect(s.status(pr).status).toMatchObject({ state: "ready", commit: SHA_B });

    // An /update at the same head changes nothing on the server.
    const ups = s.log.join("").match(/~ command:remote:Command restant-runtime-deploy updated/g)?.length;
    expect((await s.run(s.comment(pr, "writer", "/update"))).outcome).toBe("deployed");
    expect(s.log.join("").match(/~ command:remote:Command restant-runtime-deploy updated/g)?.length).toBe(ups);
  });

  it("a branch push deploys the pushed SHA, which is the app's SENTRY_RELEASE and the registered release", async () => {
    const deploy = new BranchDeploy(s.deps);
    expect((await deploy.run({ kind: "deploy", branch: "staging", sha: SHA_A })).outcome).toBe("deployed");
    expect(declared("staging", "restant-runtime-deploy").create).toBe(`git:sync --build restant-staging ${REPOSITORY} ${SHA_A}`);
    expect(appConfig("staging").SENTRY_RELEASE).toBe(SHA_A);
    expect(s.sentry.releases.get(SHA_A)?.deploys).toEqual([expect.objectContaining({ environment: "staging" })]);

    expect((await deploy.run({ kind: "deploy", branch: "staging", sha: SHA_B })).outcome).toBe("deployed");
    expect(declared("staging", "restant-runtime-deploy").triggers).toEqual([REPOSITORY, "staging", SHA_B]);
    expect(appConfig("staging").SENTRY_RELEASE).toBe(SHA_B);
    expect([...s.sentry.releases.keys()].sort()).toEqual([SHA_A, SHA_B]);
  });

  it("a commit that is not a full SHA is refused naming restant:commit, and no stack is made", async () => {
    await expect(new BranchDeploy(s.deps).run({ kind: "deploy", branch: "staging", sha: "HEAD" })).rejects.toThrow(/restant:commit/);
    expect(await s.stacks()).toEqual([]);
  });
});
