import type { DokkuRunner } from "./dokku-runner";
import { withDokkuSession } from "./open-session";
import { dokkuPrivateKeyFromEnv, privateKeyFromEnv } from "./private-key";
import type { DokkuTarget, SshTarget } from "./ssh-options";

/**
 * One SSH session to the target for one provider operation, the private key read from the environment now (never an
 * input, never in state). Providers call this inside their methods only.
 */
export function withTargetSession<T>(target: DokkuTarget, operation: (dokku: DokkuRunner) => Promise<T>): Promise<T> {
  return withDokkuSession({ ...target, privateKey: dokkuPrivateKeyFromEnv() }, operation);
}

/**
 * The same for a Forge server's `forge` user, with FORGE_SSH_PRIVATE_KEY: the program and its arguments run by the
 * user's shell (the runner's `run(["mysql", db], { stdin })`), never through Dokku.
 */
export function withForgeServerSession<T>(target: SshTarget & { user: "forge" }, operation: (shell: DokkuRunner) => Promise<T>): Promise<T> {
  return withDokkuSession({ ...target, privateKey: privateKeyFromEnv("FORGE", "the Forge server") }, operation);
}

/** The target's fields only, in a fixed order: what providers keep in their outputs and compare in diff. */
export function sameTarget(a: SshTarget, b: SshTarget): boolean {
  return a.host === b.host && a.port === b.port && a.user === b.user && a.hostKey === b.hostKey;
}
