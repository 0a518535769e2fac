import type {
  PolicyResource,
  ReportViolation,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationArgs,
  StackValidationPolicy,
} from "@pulumi/policy";
import { loadStackSpec, type StackSpec } from "../../infra/spec";
import type { PlanExtras, PlanResourceOptions } from "../../policies/plan-extras";
import { chooseStack, type PlanRequest } from "../../scripts/plan/choose-stack";

/**
 * Validation arguments built by hand, the shape the engine hands a policy, to test each policy without the program.
 * `secretPaths` and `opts.retainOnDelete` are what only the offline plan adds; leave them out to see a policy as the
 * engine runs it.
 */
export interface HandBuilt {
  type: string;
  name?: string;
  props?: Record<string, unknown>;
  opts?: Partial<PlanResourceOptions>;
  secretPaths?: string[];
}

/** What a validation did: its violation messages, or that it declared itself not applicable. */
export type Outcome = { violations: string[] } | { notApplicable: string };

class NotApplicable extends Error {}

export function policyResource(built: HandBuilt): PolicyResource & PlanExtras {
  const name = built.name ?? "thing";
  return {
    type: built.type,
    name,
    urn: `urn:pulumi:test::restant::${built.type}::${name}`,
    props: built.props ?? {},
    opts: {
      protect: false,
      ignoreChanges: [],
      aliases: [],
      customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
      additionalSecretOutputs: [],
      ...built.opts,
    },
    dependencies: [],
    propertyDependencies: {},
    isType: () => false,
    asType: () => undefined,
    ...(built.secretPaths ? { secretPaths: built.secretPaths } : {}),
  };
}

export async function validateResource(policy: ResourceValidationPolicy, built: HandBuilt): Promise<Outcome> {
  const resource = policyResource(built);
  const args: ResourceValidationArgs & PlanExtras = {
    ...resource,
    asType: () => undefined,
    stackTags: new Map(),
    getConfig: <T extends object>() => ({}) as T,
    notApplicable: (reason) => {
      throw new NotApplicable(reason);
    },
  };
  return outcomeOf((report) => [policy.validateResource ?? []].flat().reduce<Promise<void>>(
    async (previous, validate) => {
      await previous;
      await validate(args, report);
    },
    Promise.resolve(),
  ));
}

export async function validateStack(policy: StackValidationPolicy, resources: HandBuilt[]): Promise<Outcome> {
  const args: StackValidationArgs = {
    resources: resources.map(policyResource),
    stackTags: new Map(),
    getConfig: <T extends object>() => ({}) as T,
    notApplicable: (reason) => {
      throw new NotApplicable(reason);
    },
  };
  return outcomeOf((report) => policy.validateStack(args, report));
}

async function outcomeOf(run: (report: ReportViolation) => Promise<void> | void): Promise<Outcome> {
  const violations: string[] = [];
  try {
    await run((message) => violations.push(message));
  } catch (error) {
    if (error instanceof NotApplicable) return { notApplicable: error.message };
    throw error;
  }
  return { violations };
}

/** The spec infra derives for a stack, from its real config (no program run). */
export function specFor(request: PlanRequest): StackSpec {
  const chosen = chooseStack(request);
  return loadStackSpec(chosen.config, { stack: chosen.stack, origin: chosen.origin });
}

/** The TenantEnvironment component as the program registers it: the spec is its inputs. */
export function tenantEnvironment(spec: StackSpec): HandBuilt {
  return { type: spec.kind === "platform" ? "restant:platform:Platform" : "restant:environment:TenantEnvironment", name: "restant", props: { spec } };
}
