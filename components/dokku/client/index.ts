/** The SSH client for a Dokku server: sessions, the one command-line quoting, host keys, the key from the environment, typed errors. Knows nothing of Pulumi. */
export { dokkuCommandLine, type DokkuLoginUser } from "./command-line";
export type { DokkuRunner } from "./dokku-runner";
export { openDokkuSession, withDokkuSession } from "./open-session";
export { dokkuPrivateKeyFromEnv } from "./private-key";
export type { DokkuTarget, DokkuSshOptions, DokkuCommand, DokkuResult } from "./ssh-options";
export { withTargetSession } from "./target-session";
export { isAppMissing } from "./errors/command-errors";
