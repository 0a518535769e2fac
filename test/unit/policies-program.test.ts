import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import type * as All from "../../policies/all";
import type * as RunPolicies from "../../scripts/plan/run-policies";
import { projectRoot, requireBuilt } from "../support/built";
import { plan } from "../support/evaluate";

const { policies } = requireBuilt<typeof All>("policies/all.ts");
const { runPolicies } = requireBuilt<typeof RunPolicies>("scripts/plan/run-policies.ts");

describe("the policies over the real program", () => {
  it.each([
    [{ stack: "production" }],
    [{ stack: "staging" }],
    [{ stack: "platform" }],
    [{ stack: "pr-7", branch: "feat/Ünïcode;$(rm${IFS}-rf${IFS}/)" }],
    [{ stack: "pr-8", branch: "main" }],
  ])("passes %j with no mandatory violation", async (request) => {
    const result = await plan(request);
    const violations = await runPolicies(result.resources, policies);
    expect(violations.filter((v) => v.enforcementLevel === "mandatory")).toEqual([]);
    // The shipped stacks configure Grafana, so even the advisory policy has nothing to say.
    expect(violations).toEqual([]);
  });
});

/** The subset of the engine's RegisterResourceOutputsRequest (generated protobuf class) the test reads. */
interface OutputsRequest {
  getUrn(): string;
  getOutputs(): { toJavaScript(): Record<string, unknown> } | undefined;
}
type RegisterOutputs = (this: unknown, req: OutputsRequest, callback: (err: unknown, response: unknown) => void) => void;

describe("the spec where the engine's stack policies read it", () => {
  it("is registered as TenantEnvironment's and Platform's outputs, not only their inputs", async () => {
    // The same @pulumi/pulumi instance the built plan uses: spy on what components register as outputs.
    const { MockMonitor } = createRequire(`${projectRoot}/package.json`)("@pulumi/pulumi/runtime/mocks") as {
      MockMonitor: { prototype: { registerResourceOutputs: RegisterOutputs } };
    };
    const original = MockMonitor.prototype.registerResourceOutputs;
    const outputs = new Map<string, Record<string, unknown>>();
    MockMonitor.prototype.registerResourceOutputs = function (req, callback) {
      outputs.set(req.getUrn(), req.getOutputs()?.toJavaScript() ?? {});
      return original.call(this, req, callback);
    };
    try {
      await plan({ stack: "production" });
      await plan({ stack: "platform" });
    } finally {
      MockMonitor.prototype.registerResourceOutputs = original;
    }
    const of = (type: string) => [...outputs].find(([urn]) => urn.endsWith(`${type}::restant`))?.[1];
    expect(of("restant:environment:TenantEnvironment")).toMatchObject({ spec: { kind: "production", names: { app: "restant-main" } } });
    expect(of("restant:platform:Platform")).toMatchObject({ spec: { kind: "platform" } });
  });
});
