import { appendFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { BranchDeploy } from "../../../scripts/lifecycle/branch-deploy";
import { TEAM_FORGE, TEAM_ZONE } from "../../support/team-values";
import { Scenario, scenarioPerTest, SHA_A, SHA_B } from "./harness";

/**
 * A staging stack on Forge, from the CI event on: a push to staging → the real branch-deploy script → the stack config
 * it sets (restant:commit) over the user's stack file (restant:runtime forge) → the real program, evaluated by the
 * pulumi CLI double → the Forge deployment it declares. test/unit/forge-whole-path.test.ts carries the same program's
 * Forge resources on through the providers to the Forge double.
 */
describe("a push to a branch whose stack runs on Forge", () => {
  let s: Scenario;
  scenarioPerTest((scenario) => (s = scenario));

  it("deploys the pushed SHA on the Forge site, and the next push deploys the next", async () => {
    appendFileSync(
      path.join(s.pulumi.workDir, "stacks", "Pulumi.staging.yaml"),
      ["  restant:runtime: forge", "  restant:forge:", `    organization: ${TEAM_FORGE.organization}`, `    serverId: ${TEAM_FORGE.serverId}`, `    ipv4: ${TEAM_FORGE.ipv4}`, ""].join("\n"),
    );
    const declared = (name: string) => {
      const resource = s.pulumi.declared("staging")?.resources.find((r) => r.name === name);
      if (!resource) throw new Error(`the program declared no ${name} in staging`);
      return resource.inputs;
    };
    const deploy = new BranchDeploy(s.deps);
    expect((await deploy.run({ kind: "deploy", branch: "staging", sha: SHA_A })).outcome).toBe("deployed");
    expect(declared("restant-runtime-site")).toMatchObject({ domain: `restant.staging.${TEAM_ZONE}`, isolatedUser: "restant-staging", serverId: TEAM_FORGE.serverId });
    expect(declared("restant-runtime-deploy")).toMatchObject({ revision: SHA_A, script: expect.stringContaining(`git checkout --force --detach ${SHA_A}`) });
    expect(s.pulumi.declared("staging")!.resources.filter((r) => r.name === "restant-runtime-app")).toEqual([]);

    expect((await deploy.run({ kind: "deploy", branch: "staging", sha: SHA_B })).outcome).toBe("deployed");
    expect(declared("restant-runtime-deploy")).toMatchObject({ revision: SHA_B });
  });
});
