import { DEFAULT_RETRY_POLICY, type RetryPolicy } from "../http/retry-policy";
import type { FlagsmithConnection } from "./transport";

// Read when a provider method runs, in the process that runs it (for a dynamic provider, the engine's host, started
// with the CLI's environment), never at module load: a value read at load time would be serialized into state.

/**
 * The admin API's address and key. The address is the resource's `apiUrl` input (restant:flagsmith.apiUrl, through
 * the program); the key is FLAGSMITH_ADMIN_API_KEY, read per operation, so a rotated key is picked up and
 * `pulumi destroy` works with whatever key is current. A resource stored by provider version 1 has no `apiUrl` (that
 * code read FLAGSMITH_API_URL): until its next update stores it, FLAGSMITH_API_URL still serves as its address.
 */
export function connectionFor(apiUrl: string | undefined): FlagsmithConnection {
  const url = apiUrl || process.env.FLAGSMITH_API_URL || "";
  const adminApiKey = process.env.FLAGSMITH_ADMIN_API_KEY ?? "";
  const missing = [
    url ? "" : "its apiUrl input (restant:flagsmith.apiUrl; FLAGSMITH_API_URL for a resource stored without one)",
    adminApiKey ? "" : "FLAGSMITH_ADMIN_API_KEY in the environment of `pulumi` (an organisation API key)",
  ].filter(Boolean);
  if (missing.length > 0) throw new Error(`The Flagsmith provider needs ${missing.join(" and ")}`);
  return { apiUrl: url, adminApiKey };
}

/** A check failure for an `apiUrl` input that is not an http(s) URL; undefined when it is one. */
export function apiUrlProblem(apiUrl: unknown): string | undefined {
  if (typeof apiUrl !== "string") return "must be the Flagsmith API's URL (restant:flagsmith.apiUrl)";
  try {
    const { protocol } = new URL(apiUrl);
    return protocol === "https:" || protocol === "http:" ? undefined : "must be an http(s) URL (restant:flagsmith.apiUrl)";
  } catch {
    return "must be the Flagsmith API's URL (restant:flagsmith.apiUrl)";
  }
}

/**
 * The retry policy, with FLAGSMITH_RETRY_WITHIN_MS (default 60000), FLAGSMITH_ATTEMPT_TIMEOUT_MS (default 10000)
 * and FLAGSMITH_MAX_ATTEMPTS (default 8) overriding the defaults: CI can shorten a run that would only wait.
 */
export function retryPolicyFromEnv(): RetryPolicy {
  const number = (name: string, fallback: number): number => {
    const text = process.env[name];
    if (text === undefined || text === "") return fallback;
    const value = Number(text);
    if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a positive whole number, not "${text}"`);
    return value;
  };
  return {
    ...DEFAULT_RETRY_POLICY,
    retryWithinMs: number("FLAGSMITH_RETRY_WITHIN_MS", DEFAULT_RETRY_POLICY.retryWithinMs),
    attemptTimeoutMs: number("FLAGSMITH_ATTEMPT_TIMEOUT_MS", DEFAULT_RETRY_POLICY.attemptTimeoutMs),
    maxAttempts: number("FLAGSMITH_MAX_ATTEMPTS", DEFAULT_RETRY_POLICY.maxAttempts),
  };
}
