import type { PolicyResource, ResourceValidationArgs, StackValidationArgs } from "@pulumi/policy";
import type { PlanExtras, PlanResourceOptions } from "../../policies/plan-extras";
import type { RecordedResource } from "./recorded-resource";

/** A planned resource as a policy sees it, plus what only the offline plan knows (policies/plan-extras.ts). */
export type PlannedPolicyResource = PolicyResource & PlanExtras;

/** What `notApplicable()` throws, as @pulumi/policy's own server does: the policy does not apply to this resource. */
export class PolicyNotApplicable extends Error {
  override name = "PolicyNotApplicable";
}

/**
 * The recorded resources as the engine hands them to policies: props are the inputs with secrets unwrapped (the
 * engine's policy SDK unwraps them too), options as PolicyResourceOptions, parents and dependencies linked. Unlike the
 * engine, each also says which inputs are secret and whether it has `retainOnDelete`.
 */
export function policyResourcesOf(recorded: readonly RecordedResource[]): PlannedPolicyResource[] {
  const resources = recorded.map(policyResourceOf);
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  recorded.forEach((r, i) => {
    const resource = resources[i]!;
    const parent = r.parent === undefined ? undefined : byUrn.get(r.parent);
    if (parent) resource.parent = parent;
    resource.dependencies = r.options.dependsOn.flatMap((urn) => byUrn.get(urn) ?? []);
  });
  return resources;
}

/** The arguments of a resource validation for one planned resource. */
export function resourceValidationArgsOf(resource: PlannedPolicyResource): ResourceValidationArgs & PlanExtras {
  return {
    type: resource.type,
    props: resource.props,
    urn: resource.urn,
    name: resource.name,
    opts: resource.opts,
    stackTags: new Map(),
    isType: resource.isType,
    asType: (resourceClass) => (resource.isType(resourceClass) ? (resource.props as never) : undefined),
    getConfig: noPolicyConfig,
    notApplicable,
    ...(resource.secretPaths ? { secretPaths: resource.secretPaths } : {}),
  };
}

/** The arguments of a stack validation over every planned resource. */
export function stackValidationArgsOf(resources: PlannedPolicyResource[]): StackValidationArgs {
  return { resources, stackTags: new Map(), getConfig: noPolicyConfig, notApplicable };
}

function policyResourceOf(r: RecordedResource): PlannedPolicyResource {
  const opts: PlanResourceOptions = {
    protect: r.options.protect,
    retainOnDelete: r.options.retainOnDelete,
    ignoreChanges: r.options.ignoreChanges,
    deleteBeforeReplace: r.options.deleteBeforeReplace,
    aliases: [],
    customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
    additionalSecretOutputs: r.options.additionalSecretOutputs,
    ...(r.parent ? { parent: r.parent } : {}),
  };
  const isType = (resourceClass: object) => pulumiTypeOf(resourceClass) === r.type;
  return {
    type: r.type,
    props: r.revealedInputs,
    urn: r.urn,
    name: r.name,
    opts,
    dependencies: [],
    propertyDependencies: {},
    secretPaths: r.secretPaths,
    isType,
    // Props are the resource's inputs, which is what the policy SDK resolves a resource to during a preview.
    asType: (resourceClass) => (isType(resourceClass) ? (r.revealedInputs as never) : undefined),
  };
}

/** A Pulumi resource class's type token (generated classes carry it as a static). */
function pulumiTypeOf(resourceClass: object): string | undefined {
  const token = (resourceClass as { __pulumiType?: unknown }).__pulumiType;
  return typeof token === "string" ? token : undefined;
}

/** The pack takes no configuration: every policy's settings are in its code. */
function noPolicyConfig<T extends object>(): T {
  return {} as T;
}

function notApplicable(reason?: string): never {
  throw new PolicyNotApplicable(reason ?? "not applicable");
}
