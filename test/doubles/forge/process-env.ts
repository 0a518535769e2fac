import type { ForgeDouble } from "./server";

/** Points the Forge providers of this process at the double (URL, token, short waits); returns the undo. */
export function pointForgeProvidersAt(double: ForgeDouble, waits: { pollMs?: number; limitMs?: number } = {}): () => void {
  const names = ["FORGE_API_URL", "FORGE_API_TOKEN", "FORGE_POLL_INTERVAL_MS", "FORGE_WAIT_LIMIT_MS", "FORGE_RATE_WINDOW_MS"] as const;
  const before = Object.fromEntries(names.map((name) => [name, process.env[name]]));
  process.env.FORGE_API_URL = double.url;
  process.env.FORGE_API_TOKEN = double.token;
  process.env.FORGE_POLL_INTERVAL_MS = String(waits.pollMs ?? 10);
  process.env.FORGE_WAIT_LIMIT_MS = String(waits.limitMs ?? 5_000);
  process.env.FORGE_RATE_WINDOW_MS = String(double.rateWindowMs);
  return () => {
    for (const name of names) {
      if (before[name] === undefined) delete process.env[name];
      else process.env[name] = before[name];
    }
  };
}
