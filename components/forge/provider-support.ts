import { ForgeClient, type ForgeServerRef } from "./client";
import { forgeConnectionFromEnv, forgeRetryPolicyFromEnv, forgeWaitsFromEnv, type ForgeWaits } from "./settings-from-env";

/** A client for the resource's server, with the token and limits read now, from the engine's environment. */
export function forgeClientFor(at: ForgeServerRef): { client: ForgeClient; waits: ForgeWaits } {
  return { client: new ForgeClient(forgeConnectionFromEnv(), forgeRetryPolicyFromEnv(), { organization: at.organization, serverId: at.serverId }), waits: forgeWaitsFromEnv() };
}

/** The keys whose values differ (compared as JSON, absent = null). */
export function changedKeys<T extends object>(olds: T, news: T, keys: readonly (keyof T)[]): (keyof T)[] {
  return keys.filter((key) => JSON.stringify(olds[key] ?? null) !== JSON.stringify(news[key] ?? null));
}

/** Problems with where a resource lives: the organization's slug and the server's id. */
export function serverRefFailures(at: Partial<ForgeServerRef>): { property: string; reason: string }[] {
  const failures: { property: string; reason: string }[] = [];
  if (typeof at.organization !== "string" || !/^[a-z0-9-]+$/.test(at.organization)) failures.push({ property: "organization", reason: "must be the Forge organization's slug (lower-case letters, digits, -)" });
  if (!Number.isSafeInteger(at.serverId) || (at.serverId ?? 0) < 1) failures.push({ property: "serverId", reason: "must be the Forge server's id, a positive whole number" });
  return failures;
}

/** Where a certificate or deployment belongs: a site of the server. Its id is the site's. */
export interface ForgeSiteRef extends ForgeServerRef {
  siteId: string;
}
