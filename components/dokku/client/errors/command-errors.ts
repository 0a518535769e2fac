/**
 * Dokku's failures as typed values. Plain Error objects made by factories and recognised by guards, not classes:
 * Pulumi's closure serializer rewrites a class's constructor into a plain function, so `super(message)` becomes
 * `Error.call(this, message)` (the message is lost), an implicit subclass constructor drops its arguments and
 * `new.target` is undefined. Code the provider reaches must therefore not subclass Error.
 */

/** What failed: any command, a missing app (exit 20), or `apps:create` of a taken name. */
export type DokkuCommandErrorKind = "command" | "app-missing" | "name-taken";

/**
 * A dokku command that exited non-zero. The message carries the subcommand, the exit code and Dokku's own
 * ` !     <msg>` lines; never the other arguments, which may hold encoded secrets.
 */
export interface DokkuCommandError extends Error {
  name: "DokkuCommandError";
  kind: DokkuCommandErrorKind;
  /** The dokku subcommand, e.g. "config:set". */
  subcommand: string;
  /** The command's exit code (20: the app does not exist). */
  exitCode: number;
  /** Dokku's error lines without the ` !     ` prefix, or the raw stderr lines when there were none. */
  messages: string[];
}

/** `program` is what ran the subcommand ("dokku"), or "" when the subcommand is a program of its own (a shell login). */
export function dokkuCommandError(kind: DokkuCommandErrorKind, subcommand: string, exitCode: number, messages: string[], program = "dokku"): DokkuCommandError {
  const detail = messages.length > 0 ? `: ${messages.join("; ")}` : "";
  const error = new Error(`${program === "" ? "" : `${program} `}${subcommand} failed (exit ${exitCode})${detail}`);
  return Object.assign(error, { name: "DokkuCommandError" as const, kind, subcommand, exitCode, messages });
}

export function isDokkuCommandError(error: unknown, kind?: DokkuCommandErrorKind): error is DokkuCommandError {
  const candidate = error as Partial<DokkuCommandError> | undefined;
  return error instanceof Error && candidate?.name === "DokkuCommandError" && (kind === undefined || candidate.kind === kind);
}

/** Dokku exits 20 with ` !     App <app> does not exist` for a command on an app it does not have. */
export function isAppMissing(error: unknown): error is DokkuCommandError {
  return isDokkuCommandError(error, "app-missing");
}

/** `apps:create` of a name that exists: ` !     Name is already taken`, exit 1. */
export function isNameTaken(error: unknown): error is DokkuCommandError {
  return isDokkuCommandError(error, "name-taken");
}
