import type { DokkuRunner } from "./dokku-runner";
import { withDokkuSession } from "./open-session";
import { dokkuPrivateKeyFromEnv } from "./private-key";
import type { DokkuTarget } from "./ssh-options";

/**
 * One SSH session to the target for one provider operation, the private key read from the environment now (never an
 * input, never in state). Providers call this inside their methods only.
 */
export function withTargetSession<T>(target: DokkuTarget, operation: (dokku: DokkuRunner) => Promise<T>): Promise<T> {
  return withDokkuSession({ ...target, privateKey: dokkuPrivateKeyFromEnv() }, operation);
}

/** The target's fields only, in a fixed order: what providers keep in their outputs and compare in diff. */
export function sameTarget(a: DokkuTarget, b: DokkuTarget): boolean {
  return a.host === b.host && a.port === b.port && a.user === b.user && a.hostKey === b.hostKey;
}
