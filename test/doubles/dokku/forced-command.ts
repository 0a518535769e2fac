import { spawnSync } from "node:child_process";

/**
 * What the real `dokku` script does when sshcommand's forced command runs it: the client's command line arrives in
 * SSH_ORIGINAL_COMMAND and is split by `xargs -n 1` (quotes honoured, backslash escapes, nothing expanded, no shell),
 * except for subcommands matching bash's `[[ $1 =~ git-* ]]` (any word containing "git"), which are split on
 * whitespace only, quotes and all. `firstWord` is dokku's own $1: the line's first word after the shell split it.
 */
export function argvFromSshOriginalCommand(line: string): { argv: string[]; stderr: string } {
  const firstWord = line.trim().split(/[ \t\n]+/)[0] ?? "";
  if (/git/.test(firstWord)) return { argv: line.split(/[ \t\n]+/).filter((word) => word !== ""), stderr: "" };
  return splitLikeXargs(line);
}

/**
 * `readarray -t ssh_arg_array < <(printf '%s' "$SSH_ORIGINAL_COMMAND" | xargs -n 1)`, run for real: GNU xargs parses
 * the line and `echo` prints one argument a line. Its quirks are Dokku's (an unmatched quote stops the parse with an
 * error; a lone `-n` or `-e` argument is swallowed by echo), so they are kept, not reimplemented.
 */
export function splitLikeXargs(line: string): { argv: string[]; stderr: string } {
  const result = spawnSync("xargs", ["-n", "1"], { input: line, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  if (result.error) throw result.error;
  const lines = result.stdout.split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  return { argv: lines, stderr: result.stderr };
}
