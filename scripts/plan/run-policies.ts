import type { Policies, ReportViolation, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { PolicyNotApplicable, policyResourcesOf, resourceValidationArgsOf, stackValidationArgsOf } from "./policy-args";
import type { RecordedResource } from "./recorded-resource";

/** One violation a policy reported over the plan. */
export interface PolicyViolation {
  policy: string;
  /** "mandatory" refuses the stack (the plan exits 3); "advisory" only warns. */
  enforcementLevel: "mandatory" | "advisory";
  /** The resource it is about, when the policy named one. */
  urn: string | undefined;
  message: string;
}

/**
 * Runs a policy pack's policies over the planned resources the way the engine would during `pulumi preview`: each
 * resource policy on every resource, each stack policy once over all of them. A policy that throws fails the run.
 */
export async function runPolicies(recorded: readonly RecordedResource[], policies: Policies): Promise<PolicyViolation[]> {
  const resources = policyResourcesOf(recorded);
  const violations: PolicyViolation[] = [];
  for (const policy of policies) {
    const enforcementLevel = levelOf(policy.enforcementLevel);
    if (enforcementLevel === undefined) continue;
    const reporterFor =
      (defaultUrn: string | undefined): ReportViolation =>
      (message, urn) =>
        violations.push({ policy: policy.name, enforcementLevel, urn: urn ?? defaultUrn, message });
    if (isStackPolicy(policy)) {
      await applicable(() => policy.validateStack(stackValidationArgsOf(resources), reporterFor(undefined)));
      continue;
    }
    const validations = [policy.validateResource ?? []].flat();
    for (const resource of resources) {
      // As in the engine, a resource validation's violations are always about the resource validated.
      const report: ReportViolation = (message) => reporterFor(resource.urn)(message);
      for (const validate of validations) await applicable(() => validate(resourceValidationArgsOf(resource), report));
    }
  }
  return violations;
}

/** The engine's reading of a policy's level: no level is advisory, remediate reports as mandatory, disabled skips. */
function levelOf(level: string | undefined): PolicyViolation["enforcementLevel"] | undefined {
  if (level === "disabled") return undefined;
  return level === "mandatory" || level === "remediate" ? "mandatory" : "advisory";
}

function isStackPolicy(policy: ResourceValidationPolicy | StackValidationPolicy): policy is StackValidationPolicy {
  return "validateStack" in policy && typeof policy.validateStack === "function";
}

async function applicable(validation: () => Promise<void> | void): Promise<void> {
  try {
    await validation();
  } catch (error) {
    if (!(error instanceof PolicyNotApplicable)) throw error;
  }
}

/** Whether any violation refuses the stack. */
export function hasMandatory(violations: readonly PolicyViolation[]): boolean {
  return violations.some((v) => v.enforcementLevel === "mandatory");
}
