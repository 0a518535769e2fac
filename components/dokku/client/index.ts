/** The SSH client for a Dokku server: sessions, the one command-line quoting, host keys, the key from the environment, typed errors. Knows nothing of Pulumi. */
export { commandLineFor, dokkuCommandLine, type DokkuLoginUser, type SshLoginUser } from "./command-line";
export type { DokkuRunner } from "./dokku-runner";
export { openDokkuSession, withDokkuSession } from "./open-session";
export { dokkuPrivateKeyFromEnv, privateKeyFromEnv } from "./private-key";
export type { DokkuTarget, DokkuSshOptions, DokkuCommand, DokkuResult, SshTarget } from "./ssh-options";
export { sameTarget, withForgeServerSession, withTargetSession } from "./target-session";
export { isAppMissing } from "./errors/command-errors";
