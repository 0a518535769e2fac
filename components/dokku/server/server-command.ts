import * as command from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";
import type { DokkuLoginUser } from "../client/command-line";
import type { DokkuTarget } from "../client/ssh-options";

export interface ServerCommandArgs {
  /** The Dokku server; `hostKey` is pinned. */
  target: pulumi.Input<DokkuTarget>;
  /** Log in as this user instead of the target's: "root" for scripts Dokku's forced command cannot run. Default: the target's user. */
  user?: DokkuLoginUser;
  /** The command line: dokku arguments for user dokku (Dokku's forced command), a shell line for root. */
  create: pulumi.Input<string>;
  /** Run on destroy. Default: nothing. */
  delete?: pulumi.Input<string>;
  /** Text on the command's stdin: scripts and secrets go here, never into the command line. Default: none. */
  stdin?: pulumi.Input<string>;
  /** Values whose change runs the command again. Default: none. */
  triggers?: pulumi.Input<unknown>[];
}

/**
 * A one-shot action on the Dokku server as `@pulumi/command` remote.Command, with design.md's rules applied once: the
 * host key pinned; the key from the SSH agent (SSH_AUTH_SOCK, which CI loads from DOKKU_SSH_PRIVATE_KEY), so no
 * credential is ever an input or in state; output neither logged nor handed to the next run, and secret in state.
 */
export function serverCommand(name: string, args: ServerCommandArgs, opts: pulumi.CustomResourceOptions): command.remote.Command {
  const connection = pulumi.output(args.target).apply((target) => ({
    host: target.host,
    port: target.port,
    user: args.user ?? target.user,
    hostKey: target.hostKey,
    dialErrorLimit: 3,
    perDialTimeout: 20,
  }));
  return new command.remote.Command(
    name,
    {
      connection,
      create: args.create,
      ...(args.delete !== undefined ? { delete: args.delete } : {}),
      ...(args.stdin !== undefined ? { stdin: args.stdin } : {}),
      ...(args.triggers !== undefined ? { triggers: args.triggers } : {}),
      logging: "none",
      addPreviousOutputInEnv: false,
    },
    { ...opts, additionalSecretOutputs: ["stdout", "stderr", ...(opts.additionalSecretOutputs ?? [])] },
  );
}
