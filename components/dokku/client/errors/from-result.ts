import { DokkuCommandError, dokkuCommandError } from "./command-errors";

/** Dokku's error prefix (common.LogFail): a space, a bang and five spaces. */
const FAIL_PREFIX = /^ !\s{5}/;
/** Dokku's "no such app" exit code (common.AppDoesNotExist). */
const APP_MISSING_EXIT_CODE = 20;

/**
 * The typed error for a failed command: its ` !` lines (all of stderr when there are none), with every `redact`
 * string replaced, since a message could echo an argument back.
 */
export function dokkuErrorFromResult(
  subcommand: string,
  exitCode: number,
  stderr: string,
  redact: readonly string[] = [],
  runner: "dokku" | "shell" = "dokku",
): DokkuCommandError {
  const lines = stderr.split("\n").map((line) => line.trimEnd()).filter((line) => line !== "");
  const failLines = lines.filter((line) => FAIL_PREFIX.test(line)).map((line) => line.replace(FAIL_PREFIX, ""));
  const messages = (failLines.length > 0 ? failLines : lines).map((line) => redactAll(line, redact));
  // A program run by a shell login (Forge's): its exit codes and lines are its own, none of them Dokku's.
  if (runner === "shell") return dokkuCommandError("command", subcommand, exitCode, messages, "");
  if (exitCode === APP_MISSING_EXIT_CODE) return dokkuCommandError("app-missing", subcommand, exitCode, messages);
  if (messages.some((message) => message === "Name is already taken")) return dokkuCommandError("name-taken", subcommand, exitCode, messages);
  return dokkuCommandError("command", subcommand, exitCode, messages);
}

function redactAll(line: string, redact: readonly string[]): string {
  let result = line;
  for (const secret of redact) if (secret.length > 0) result = result.split(secret).join("[redacted]");
  return result;
}
