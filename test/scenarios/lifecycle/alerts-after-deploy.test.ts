import { describe, expect, it } from "vitest";
import { Scenario, scenarioPerTest, SHA_A } from "./harness";

const RULES = "grafana:alerting/ruleGroup:RuleGroup";

/**
 * No data on the health check pages only after the first successful deploy: a new preview whose first deploy fails
 * has its synthetic check but no alert rules (the engine makes nothing that waits for a failed resource, and the rule
 * group waits for the deploy); the retry that deploys makes them, the health rule alerting on no data.
 */
describe("alerts and the first successful deploy", () => {
  let s: Scenario;
  scenarioPerTest((scenario) => {
    s = scenario;
    s.github.setRole("writer", "write");
  });

  it("makes the alert rules only once a deploy succeeded", async () => {
    const pr = s.github.state.openPullRequest({ author: "writer", headRef: "feature/alerts", headSha: SHA_A });
    s.pulumi.setWorld({ stacks: { [`pr-${pr}`]: { failUp: 1, failingResource: "restant-runtime-deploy" } } });
    expect((await s.run(s.comment(pr, "writer", "/preview"))).outcome).toBe("failed");
    const failed = s.pulumi.state(`pr-${pr}`)!.resources ?? [];
    expect(failed.length).toBeGreaterThan(0);
    expect(failed.some((r) => r.name === "restant-runtime-deploy")).toBe(false);
    expect(failed.filter((r) => r.type === RULES)).toEqual([]);

    expect((await s.run(s.comment(pr, "writer", "/update"))).outcome).toBe("deployed");
    const [rules] = (s.pulumi.state(`pr-${pr}`)!.resources ?? []).filter((r) => r.type === RULES);
    const [health] = rules!.inputs.rules as Array<{ name: string; noDataState: string }>;
    expect(health).toMatchObject({ name: expect.stringMatching(/\/up failing$/), noDataState: "Alerting" });
  });
});
