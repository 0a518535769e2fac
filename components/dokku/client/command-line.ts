import { shellWord } from "../server/shell-word";

/**
 * The one place where argument lists become the command line sent over SSH. The same text must mean the same
 * arguments to every reader it can meet:
 * - user "dokku": sshcommand's forced command hands the line to `dokku`, which splits it with `xargs -n 1` (quotes and
 *   backslashes honoured, nothing expanded) and reads each argument back through `echo`;
 * - user "root": the login shell runs `dokku <line>`, expanding anything that is not quoted;
 * - user "forge" (a Laravel Forge server's own user): the login shell runs the program the arguments name, no Dokku.
 * Single quotes, with `'\''` for a quote inside, are literal in all of them. What a reader cannot carry is refused,
 * never mangled: the caller must send such a value on stdin or `--encoded`.
 */

/** Who the SSH session logs in as on a Dokku server: Dokku's forced command, or root running `dokku` from a shell. */
export type DokkuLoginUser = "dokku" | "root";

/** Every login the SSH client knows: Dokku's, or a plain shell user (Forge's `forge`) that runs programs itself. */
export type SshLoginUser = DokkuLoginUser | "forge";

/** Whether the line is run by a shell as a program of its own rather than handed to `dokku`. */
export function isShellLogin(user: SshLoginUser): user is "forge" {
  return user === "forge";
}

/**
 * The command line `user` sends for `args`: `dokku <args>` for the Dokku logins, the program and its arguments as
 * single-quoted shell words for a shell login. A shell takes any text in single quotes (newlines too); only NUL,
 * which no command line can hold, is refused, naming the argument's position only.
 */
export function commandLineFor(args: readonly string[], user: SshLoginUser): string {
  if (!isShellLogin(user)) return dokkuCommandLine(args, user);
  if (args.length === 0) throw new Error("a command needs at least a program");
  return args
    .map((arg, index) => {
      if (arg.includes("\u0000")) throw new Error(`argument ${index} holds a NUL character, which no command line can carry`);
      return shellWord(arg);
    })
    .join(" ");
}

/** Words every reader takes literally without quotes; anything else is single-quoted. */
const BARE_WORD = /^[A-Za-z0-9_@%+=:,./-]+$/;

/**
 * Words `xargs -n 1` hands to `echo` that echo eats as its own options (GNU echo: -n/-e/-E and their mixes, and
 * --help/--version alone): Dokku would receive something else.
 */
const ECHO_OPTION = /^(-[neE]+|--help|--version)$/;

/**
 * Control characters end an xargs argument (newline) or do not survive a shell line unharmed; tab is the only one kept
 * (quoted, both readers keep it).
 */
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTER = /[\u0000-\u0008\u000a-\u001f\u007f]/;

/** Dokku splits a first word containing "git" on whitespace alone (its `git-*` check), quotes and all. */
const GIT_STYLE_SUBCOMMAND = /git/;

/**
 * The command line for `dokku <args>` as `user` sends it. Throws (naming only the argument's position, never its
 * text, which may be secret) when an argument cannot be carried verbatim.
 */
export function dokkuCommandLine(args: readonly string[], user: DokkuLoginUser): string {
  if (args.length === 0) throw new Error("a dokku command needs at least a subcommand");
  const words = args.map((arg, index) => quoteArgument(arg, index, GIT_STYLE_SUBCOMMAND.test(args[0])));
  return user === "root" ? `dokku ${words.join(" ")}` : words.join(" ");
}

function quoteArgument(arg: string, index: number, whitespaceSplitOnly: boolean): string {
  // xargs drops an empty argument at the end of the line: Dokku would see one argument fewer.
  if (arg === "") throw new Error(`dokku argument ${index} is empty, which Dokku's argument split can lose`);
  if (CONTROL_CHARACTER.test(arg)) {
    throw new Error(`dokku argument ${index} holds a newline or control character: send it on stdin or --encoded`);
  }
  if (ECHO_OPTION.test(arg)) {
    throw new Error(`dokku argument ${index} would be taken by echo inside Dokku's argument split (${arg})`);
  }
  if (BARE_WORD.test(arg)) return arg;
  if (whitespaceSplitOnly) {
    throw new Error(`dokku argument ${index} needs quoting, which Dokku does not undo for git subcommands`);
  }
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}
