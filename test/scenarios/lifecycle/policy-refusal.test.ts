import { CommandError, LocalWorkspace } from "@pulumi/pulumi/automation";
import { writeFileSync } from "node:fs";
import * as path from "node:path";
import { stringify } from "yaml";
import { describe, expect, it } from "vitest";
import { previewStack } from "../../../infra/stacks";
import { PASSPHRASE, Scenario, scenarioPerTest } from "./harness";

/**
 * A stack whose config breaks a mandatory policy (a preview cloning production's database: previews-isolated) is
 * refused before anything is made: the Automation API's `up` skips the preview, and the engine checks stack policies
 * only after every step, so the lifecycle previews with the policy pack first.
 */
describe("a deploy refused by a mandatory policy", () => {
  let s: Scenario;
  scenarioPerTest((scenario) => (s = scenario));

  /** The stack file a preview of `pr` is made with, giving it production's database service to clone. */
  const cloningProduction = (pr: number) =>
    writeFileSync(
      path.join(s.pulumi.workDir, "stacks", `Pulumi.pr-${pr}.yaml`),
      stringify({ config: { "restant:database": { snapshotService: "restant-main" } } }),
    );
  const resourceCount = async (stack: string) => (await s.deps.engine.listStacks()).find((x) => x.name === stack)?.resourceCount ?? 0;

  it("fails the preview naming the policy, and leaves no resource in the stack", async () => {
    const pr = s.github.state.openPullRequest({ author: "writer", headRef: "feature/clone", headSha: "c".repeat(40) });
    cloningProduction(pr);

    const result = await s.run(s.comment(pr, "writer", "/preview"));

    expect(result.outcome).toBe("failed");
    const { status, body } = s.status(pr);
    expect(status?.state).toBe("failed");
    expect(body).toMatch(/previews-isolated/);
    expect(body).toMatch(/restant-main/);
    expect(s.pulumi.calls().filter((c) => c[0] === "up" && c.includes(`pr-${pr}`))).toEqual([]);
    expect(await resourceCount(`pr-${pr}`)).toBe(0);
  });

  it("the double's `up --skip-preview` alone makes the resources before the policy fails it, as the engine does", async () => {
    cloningProduction(9);
    await s.deps.engine.prepare(previewStack(9, "feature/clone"));
    const stack = await LocalWorkspace.selectStack({ stackName: "pr-9", workDir: s.pulumi.workDir }, { envVars: { PULUMI_CONFIG_PASSPHRASE: PASSPHRASE } });
    const failed = await stack.up({ policyPacks: ["policies"] }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failed).toBeInstanceOf(CommandError);
    expect(String(failed)).toMatch(/previews-isolated/);
    expect(await resourceCount("pr-9")).toBeGreaterThan(0);
  });
});
