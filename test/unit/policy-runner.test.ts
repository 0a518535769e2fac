import type { PolicyResource, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { describe, expect, it } from "vitest";
import type { PlanExtras } from "../../policies/plan-extras";
import type * as PolicyArgs from "../../scripts/plan/policy-args";
import type { RecordedResource } from "../../scripts/plan/recorded-resource";
import type * as RunPolicies from "../../scripts/plan/run-policies";
import { requireBuilt } from "../support/built";

const { policyResourcesOf } = requireBuilt<typeof PolicyArgs>("scripts/plan/policy-args.ts");
const { runPolicies, hasMandatory } = requireBuilt<typeof RunPolicies>("scripts/plan/run-policies.ts");

function recorded(name: string, extra: Partial<RecordedResource> = {}): RecordedResource {
  return {
    urn: `urn:pulumi:s::restant::t:m:T::${name}`,
    type: "t:m:T",
    name,
    custom: true,
    parent: undefined,
    inputs: { password: "[secret]", plain: "x" },
    revealedInputs: { password: "hunter2", plain: "x" },
    secretPaths: ["password"],
    options: { protect: false, retainOnDelete: true, deleteBeforeReplace: false, additionalSecretOutputs: [], ignoreChanges: [], dependsOn: [] },
    ...extra,
  };
}

describe("the offline plan's policy adapter", () => {
  it("hands policies the engine's view (secrets unwrapped, parents linked) plus secret paths and retainOnDelete", () => {
    const [parent, child] = policyResourcesOf([recorded("a"), recorded("b", { parent: "urn:pulumi:s::restant::t:m:T::a", options: { ...recorded("b").options, dependsOn: ["urn:pulumi:s::restant::t:m:T::a"] } })]);
    expect(child!.props).toEqual({ password: "hunter2", plain: "x" });
    expect(child!.parent).toBe(parent);
    expect(child!.dependencies).toEqual([parent]);
    expect((child as PolicyResource & PlanExtras).secretPaths).toEqual(["password"]);
    expect(child!.opts).toMatchObject({ protect: false, retainOnDelete: true, parent: "urn:pulumi:s::restant::t:m:T::a" });
  });

  it("runs resource policies on each resource and stack policies once, at the engine's enforcement levels", async () => {
    const seen: string[] = [];
    const perResource: ResourceValidationPolicy = {
      name: "per-resource",
      description: "d",
      enforcementLevel: "remediate",
      validateResource: (args, report) => {
        seen.push(args.name);
        if (args.name === "skip") args.notApplicable("not for this one");
        report("bad", "urn:ignored");
      },
    };
    const stack: StackValidationPolicy = { name: "stack", description: "d", validateStack: (args, report) => report(`${args.resources.length}`) };
    const off: StackValidationPolicy = { name: "off", description: "d", enforcementLevel: "disabled", validateStack: (_a, report) => report("never") };
    const violations = await runPolicies([recorded("one"), recorded("skip")], [perResource, stack, off]);
    expect(seen).toEqual(["one", "skip"]);
    expect(violations).toEqual([
      { policy: "per-resource", enforcementLevel: "mandatory", urn: "urn:pulumi:s::restant::t:m:T::one", message: "bad" },
      { policy: "stack", enforcementLevel: "advisory", urn: undefined, message: "2" },
    ]);
    expect(hasMandatory(violations)).toBe(true);
    expect(hasMandatory(violations.slice(1))).toBe(false);
  });

  it("fails the run when a policy throws", async () => {
    const broken: StackValidationPolicy = { name: "broken", description: "d", validateStack: () => { throw new Error("boom"); } };
    await expect(runPolicies([recorded("one")], [broken])).rejects.toThrow("boom");
  });
});
