import type { FlagsmithDouble } from "./server";

const NAMES = ["FLAGSMITH_API_URL", "FLAGSMITH_ADMIN_API_KEY", "FLAGSMITH_RETRY_WITHIN_MS", "FLAGSMITH_ATTEMPT_TIMEOUT_MS", "FLAGSMITH_MAX_ATTEMPTS"] as const;

/**
 * Gives the providers what the engine's host would have in its process environment: the double's admin key, and
 * short retry limits so tests that meet faults stay quick. No FLAGSMITH_API_URL unless a test passes one (only state
 * stored by provider version 1 needs it): the address is each resource's `apiUrl` input. Returns a function that puts
 * the environment back.
 */
export function pointProvidersAt(double: FlagsmithDouble, overrides: Partial<Record<(typeof NAMES)[number], string>> = {}): () => void {
  const saved = Object.fromEntries(NAMES.map((name) => [name, process.env[name]]));
  const values: Partial<Record<(typeof NAMES)[number], string>> = {
    FLAGSMITH_ADMIN_API_KEY: double.adminKey,
    FLAGSMITH_RETRY_WITHIN_MS: "3000",
    FLAGSMITH_ATTEMPT_TIMEOUT_MS: "500",
    FLAGSMITH_MAX_ATTEMPTS: "6",
    ...overrides,
  };
  for (const name of NAMES) {
    const value = values[name];
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  return () => {
    for (const name of NAMES) {
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
    }
  };
}
