import { readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { APP_VALIDATED_EVENT } from "../../../scripts/lifecycle/github-event";
import type { GitHubState } from "../../doubles/github/github-state";
import { TEAM_VALUES } from "../../support/team-values";
import { ciScript } from "./ci-script";
import { Scenario, SHA_A } from "./harness";

/**
 * The platform layout (docs/platform-repository.md) as a team runs it: the app repository's CI sends the platform
 * repository a `restant-app-validated` dispatch with the commit it validated; the platform's deploy script, the stack
 * config it sets, the real program (in the pulumi CLI double), the deploy command and the Sentry release follow it.
 */
describe("the app repository tells the platform repository what to deploy", () => {
  let s: Scenario;
  let app: GitHubState;
  // The app repository's token: its GitHub Deployments are the app's (the platform run's own token is refused there).
  const platformLayout = { RESTANT_APP_REPOSITORY: "restant-hq/restant", RESTANT_APP_GITHUB_TOKEN: "ghp_app_repository_token", RESTANT_BOT_LOGIN: "restant-previews" };
  const dispatch = (payload: unknown) => ({ name: "repository_dispatch", payload: { action: APP_VALIDATED_EVENT, client_payload: payload } });
  beforeAll(async () => {
    s = await Scenario.start();
    app = s.github.addRepository({ owner: "restant-hq", repo: "restant", token: platformLayout.RESTANT_APP_GITHUB_TOKEN, tokenUser: platformLayout.RESTANT_BOT_LOGIN });
    app.addCommit(SHA_A);
  });
  afterAll(async () => {
    await s.stop();
  });
  const script: ReturnType<typeof ciScript> = (name, event, extra) => ciScript(s)(name, event, extra);
  const stackCommands = () => s.pulumi.calls().filter((c) => c[0] === "up" || (c[0] === "stack" && c[1] === "init"));

  it("deploys the validated commit of the app's repository, registered in the Sentry project restant:sentry names", async () => {
    const result = await script("deploy", dispatch({ branch: "staging", sha: SHA_A }), platformLayout);
    expect(result.code, result.stderr).toBe(0);
    expect(result.summary).toContain("**Deploy staging**: deployed — https://restant.staging.restant.app");
    const deploy = s.pulumi.declared("staging")!.resources.find((r) => r.name === "restant-runtime-deploy");
    expect(deploy?.inputs.create).toBe(`git:sync --build restant-staging ${String(TEAM_VALUES["restant:gitRepository"])} ${SHA_A}`);
    expect(s.pulumi.stackConfig("staging")).toContain(`restant:commit: ${SHA_A}`);
    // Pulumi.yaml's restant:sentry.project, the project the program makes client keys in: no SENTRY_PROJECT variable.
    expect(s.sentry.releases.get(SHA_A)).toMatchObject({ projects: ["restant-app"], deploys: [{ environment: "staging", url: "https://restant.staging.restant.app" }] });
    // The GitHub Deployment is of the app's commit, in the app repository, which holds that commit.
    expect(app.deployments.map((d) => [d.environment, d.sha, d.statuses.map((st) => st.state)])).toEqual([["staging", SHA_A, ["in_progress", "success"]]]);
    expect(s.github.state.deployments).toEqual([]);
  });

  it("refuses a dispatch whose SHA is not a full SHA (exit 2, naming restant:commit) before any stack is touched", async () => {
    const before = stackCommands().length;
    const result = await script("deploy", dispatch({ branch: "main", sha: "a1b2c3d" }), platformLayout);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`restant:commit: client_payload.sha must be the full 40-character lower-case hex SHA the app's CI validated (github.sha), got "a1b2c3d"`);
    expect(result.stderr).toContain("the restant-app-validated dispatch from restant-hq/restant");
    expect(stackCommands()).toHaveLength(before);
  });

  it("deploys nothing on a push to the platform repository itself: its SHA is not the app's", async () => {
    const result = await script("deploy", { name: "push", payload: { ref: "refs/heads/main", after: "e".repeat(40) } }, platformLayout);
    expect(result.code, result.stderr).toBe(0);
    expect(result.summary).toContain("**Deploy**: ignored — a push to this platform repository deploys nothing");
  });

  it("refuses a real up while Pulumi.yaml still holds a shipped example value, naming the key and Pulumi.yaml", async () => {
    const file = path.join(s.pulumi.workDir, "Pulumi.yaml");
    const project = parse(readFileSync(file, "utf8")) as { config: Record<string, { value: Record<string, unknown> }> };
    project.config["restant:dokku"]!.value.ipv4 = "203.0.113.10";
    writeFileSync(file, stringify(project));
    const result = await script("deploy", dispatch({ branch: "staging", sha: "f".repeat(40) }), platformLayout);
    expect(result.code).toBe(1);
    expect(result.summary).toContain("**Deploy staging**: failed — pulumi up failed");
    expect(result.stderr).toContain(
      'restant:dokku.ipv4: is still the example value "203.0.113.10" (an address reserved for documentation (RFC 5737)): replace the example value of restant:dokku.ipv4 in Pulumi.yaml with yours',
    );
    // The program refused before declaring anything: the stack still runs the validated commit.
    expect(s.pulumi.declared("staging")!.resources.find((r) => r.name === "restant-runtime-deploy")?.inputs.create).toContain(SHA_A);
  });
});
