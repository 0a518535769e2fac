import type { FlagsmithDouble } from "./server";

const NAMES = ["FLAGSMITH_API_URL", "FLAGSMITH_ADMIN_API_KEY", "FLAGSMITH_RETRY_WITHIN_MS", "FLAGSMITH_ATTEMPT_TIMEOUT_MS", "FLAGSMITH_MAX_ATTEMPTS"] as const;

/**
 * Points the providers at a double the way the engine's host would: through its process environment. Short retry
 * limits by default so tests that meet faults stay quick. Returns a function that puts the environment back.
 */
export function pointProvidersAt(double: FlagsmithDouble, overrides: Partial<Record<(typeof NAMES)[number], string>> = {}): () => void {
  const saved = Object.fromEntries(NAMES.map((name) => [name, process.env[name]]));
  const values = {
    FLAGSMITH_API_URL: double.url,
    FLAGSMITH_ADMIN_API_KEY: double.adminKey,
    FLAGSMITH_RETRY_WITHIN_MS: "3000",
    FLAGSMITH_ATTEMPT_TIMEOUT_MS: "500",
    FLAGSMITH_MAX_ATTEMPTS: "6",
    ...overrides,
  };
  for (const name of NAMES) process.env[name] = values[name];
  return () => {
    for (const name of NAMES) {
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
    }
  };
}
