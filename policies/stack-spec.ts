import type { PolicyResource } from "@pulumi/policy";
import type { EnvironmentSpec, PlatformSpec } from "../infra/spec";
import { PLATFORM, TENANT_ENVIRONMENT } from "./resource-types";

/**
 * The stack's spec as the program registered it: TenantEnvironment (and Platform) take `{ spec }` as their component
 * inputs, so a policy checks resources against the names infra derived instead of deriving them again.
 */
export function environmentSpecOf(resources: readonly PolicyResource[]): EnvironmentSpec | undefined {
  return specProp(resources.find((r) => r.type === TENANT_ENVIRONMENT)) as EnvironmentSpec | undefined;
}

export function platformSpecOf(resources: readonly PolicyResource[]): PlatformSpec | undefined {
  return specProp(resources.find((r) => r.type === PLATFORM)) as PlatformSpec | undefined;
}

/** The zone the stack's records live in, from whichever spec the stack has. */
export function zoneOf(resources: readonly PolicyResource[]): { zone: string; zoneId: string } | undefined {
  const spec = environmentSpecOf(resources) ?? platformSpecOf(resources);
  return spec ? { zone: spec.zone, zoneId: spec.zoneId } : undefined;
}

function specProp(resource: PolicyResource | undefined): unknown {
  const spec: unknown = resource?.props.spec;
  return spec !== null && typeof spec === "object" ? spec : undefined;
}
