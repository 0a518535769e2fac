import { systemRetryClock } from "../http/retry-policy";
import type { ForgeWaits } from "./settings-from-env";

/** What one look at an asynchronous change found. */
export type Look<T> = { done: true; value: T } | { done: false; status: string } | { failed: string };

/**
 * Looks at an asynchronous change until it is done, has failed, or `waits.limitMs` has passed. The error says what
 * it was waiting for, how long, and the last status seen, so a site stuck `installing` reads as just that. Time is
 * `waits.clock`'s (the real one unless a test gives its own).
 */
export async function waitFor<T>(what: string, waits: ForgeWaits, look: () => Promise<Look<T>>): Promise<T> {
  const clock = waits.clock ?? systemRetryClock();
  const started = clock.now();
  let last = "(not looked at)";
  for (;;) {
    const seen = await look();
    if ("failed" in seen) throw new Error(`Forge: ${what} failed: ${seen.failed}`);
    if (seen.done) return seen.value;
    last = seen.status;
    const spent = clock.now() - started;
    if (spent + waits.intervalMs > waits.limitMs) {
      throw new Error(
        `Forge: gave up waiting for ${what} after ${Math.round(spent / 1000)}s (limit ${Math.round(waits.limitMs / 1000)}s, FORGE_WAIT_LIMIT_MS); ` +
          `its status is still "${last}". Look at it in Forge, then run \`pulumi up\` again.`,
      );
    }
    await clock.sleep(waits.intervalMs);
  }
}
