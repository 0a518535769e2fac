import type { DokkuLoginUser, SshLoginUser } from "./command-line";

/** Where a server is, who to log in as and how to trust it: all plain data, safe to keep in Pulumi state. */
export interface SshTarget {
  /** Host name or address of the server. */
  host: string;
  /** SSH port, usually 22. */
  port: number;
  /** "dokku" (Dokku's forced command), "root" (a shell running `dokku <args>`) or "forge" (a Forge server's shell). */
  user: SshLoginUser;
  /** The server's public host key, "ssh-ed25519 AAAA…", pinned: any other key is refused. */
  hostKey: string;
}

/** Where a Dokku server is: a target whose login reaches Dokku. */
export interface DokkuTarget extends SshTarget {
  user: DokkuLoginUser;
}

/** A target plus the secret to log in with and the limits of one session. */
export interface DokkuSshOptions extends SshTarget {
  /** OpenSSH private key text; never logged, never part of an error. */
  privateKey: string;
  /** Milliseconds to connect, exchange keys and authenticate. Default 20 000. */
  connectTimeoutMs?: number;
  /** Milliseconds one command may run before its channel is closed and it fails. Default 300 000. */
  commandTimeoutMs?: number;
}

/** One dokku invocation: its arguments (quoted by dokkuCommandLine), and text for its stdin. */
export interface DokkuCommand {
  /** The subcommand and its arguments, e.g. ["config:export", "--format", "json", "my-app"]. */
  args: readonly string[];
  /** Sent on the command's stdin, then closed; secrets go here, never into args. Default: nothing. */
  stdin?: string;
  /** Strings to scrub from any error message this command produces (values it carries, encoded or not). */
  redact?: readonly string[];
}

/** What a command that exited 0 printed. */
export interface DokkuResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}
