import type { SshTarget } from "../../dokku/client/ssh-options";

/**
 * A Forge server as the SSH client reaches it: the `forge` user Forge makes on every server (a shell, sudo, the MySQL
 * user of the same name), its host key pinned. Plain data, safe in state; the private key is FORGE_SSH_PRIVATE_KEY.
 */
export type ForgeServerTarget = SshTarget & { user: "forge" };
