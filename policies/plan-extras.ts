import type { PolicyResourceOptions } from "@pulumi/policy";

/**
 * What the offline plan can tell a policy that the engine cannot. Under `pulumi preview --policy-pack`, @pulumi/policy
 * unwraps every secret before a validation sees the props, and the analyzer protocol carries no `retainOnDelete`; the
 * offline plan's RecordingMonitor sees both, and its adapter (scripts/plan/policy-args.ts) adds them as these extra
 * fields. A policy reads them through the functions below and, where a field is absent, checks only what it can.
 */
export interface PlanExtras {
  /** Dotted paths of the inputs that are Pulumi secrets, e.g. "config.APP_KEY". */
  secretPaths?: readonly string[];
}

export interface PlanResourceOptions extends PolicyResourceOptions {
  retainOnDelete?: boolean;
}

/** The resource's secret input paths, or undefined when the caller (the engine) cannot say. */
export function secretPathsOf(resource: object): readonly string[] | undefined {
  const paths = (resource as PlanExtras).secretPaths;
  return Array.isArray(paths) ? paths : undefined;
}

/** Whether `retainOnDelete` is set, or undefined when the caller (the engine) cannot say. */
export function retainOnDeleteOf(opts: PolicyResourceOptions): boolean | undefined {
  const retain = (opts as PlanResourceOptions).retainOnDelete;
  return typeof retain === "boolean" ? retain : undefined;
}

/** Whether the input at `path` is secret: it, or an object or list holding it, is a secret path. */
export function isSecretAt(secretPaths: readonly string[], path: string): boolean {
  return secretPaths.some((secret) => secret === path || path.startsWith(`${secret}.`) || path.startsWith(`${secret}[`));
}
