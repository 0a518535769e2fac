import { describe, expect, it } from "vitest";
import { plan, resourcesOfType } from "../support/evaluate";

const RULES = "grafana:alerting/ruleGroup:RuleGroup";
const DEPLOY = "restant-runtime-deploy";

interface Rule {
  name: string;
  noDataState: string;
}

/**
 * Alerts that mean something: a health check with no data pages only once the environment has been deployed
 * successfully. The rule group is made after the deploy (dependsOn): the engine does not create it while no deploy has
 * succeeded, and once it exists, no data from the check is an alert.
 */
describe("the health alert and the first deploy", () => {
  it.each([["staging"], ["production"], ["pr-7"]])("%s: the rules come after the deploy, and no data alerts", async (stack) => {
    const result = await plan(stack === "pr-7" ? { stack, branch: "feat/x" } : { stack });
    const deploy = result.resources.find((r) => r.name === DEPLOY)!;
    const [rules] = resourcesOfType(result, RULES);
    expect(rules!.options.dependsOn).toContain(deploy.urn);
    const [health, errorRate] = rules!.inputs.rules as Rule[];
    expect(health).toMatchObject({ name: expect.stringMatching(/\/up failing$/), noDataState: "Alerting" });
    // No requests is no 5xx share: an idle preview is not an error.
    expect(errorRate).toMatchObject({ name: expect.stringMatching(/5xx rate$/), noDataState: "OK" });
  });
});
