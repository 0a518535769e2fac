import { DEFAULT_RETRY_POLICY, type RetryPolicy } from "../http/retry-policy";
import type { FlagsmithConnection } from "./transport";

// Read when a provider method runs, in the process that runs it (for a dynamic provider, the engine's host, started
// with the CLI's environment), never at module load: a value read at load time would be serialized into state.

/**
 * The admin API's address and key, from FLAGSMITH_API_URL and FLAGSMITH_ADMIN_API_KEY. Read per operation, so a
 * rotated key is picked up and `pulumi destroy` works with whatever key is current.
 */
export function connectionFromEnv(): FlagsmithConnection {
  const apiUrl = process.env.FLAGSMITH_API_URL ?? "";
  const adminApiKey = process.env.FLAGSMITH_ADMIN_API_KEY ?? "";
  const missing = [apiUrl ? "" : "FLAGSMITH_API_URL", adminApiKey ? "" : "FLAGSMITH_ADMIN_API_KEY"].filter(Boolean);
  if (missing.length > 0) {
    throw new Error(`The Flagsmith provider needs ${missing.join(" and ")} in the environment of \`pulumi\` (the admin API's base URL and an organisation API key)`);
  }
  return { apiUrl, adminApiKey };
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
