import type { ForgeDouble } from "./server";

/** How long the providers wait between looks at asynchronous work, and in all, when they talk to the double. */
export interface ForgeDoubleWaits {
  /** FORGE_POLL_INTERVAL_MS. Default 10. */
  pollMs?: number;
  /** FORGE_WAIT_LIMIT_MS. Default 5 000. */
  limitMs?: number;
}

/**
 * The environment that points the Forge providers at the double: its URL and token, short waits, its rate window.
 * What `pulumi`'s environment holds in the engine tier; what this process's holds in provider tests.
 */
export function forgeProviderEnv(double: ForgeDouble, waits: ForgeDoubleWaits = {}): Record<string, string> {
  return {
    FORGE_API_URL: double.url,
    FORGE_API_TOKEN: double.token,
    FORGE_POLL_INTERVAL_MS: String(waits.pollMs ?? 10),
    FORGE_WAIT_LIMIT_MS: String(waits.limitMs ?? 5_000),
    FORGE_RATE_WINDOW_MS: String(double.rateWindowMs),
  };
}

/** Points the Forge providers of this process at the double (URL, token, short waits); returns the undo. */
export function pointForgeProvidersAt(double: ForgeDouble, waits: ForgeDoubleWaits = {}): () => void {
  const env = forgeProviderEnv(double, waits);
  const before = Object.fromEntries(Object.keys(env).map((name) => [name, process.env[name]]));
  Object.assign(process.env, env);
  return () => {
    for (const [name, value] of Object.entries(before)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
}
