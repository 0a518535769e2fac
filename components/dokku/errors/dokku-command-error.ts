/**
 * A dokku command that exited non-zero. The message carries the subcommand, the exit code and Dokku's own
 * ` !     <msg>` lines; never the other arguments, which may hold encoded secrets.
 */
export class DokkuCommandError extends Error {
  constructor(
    /** The dokku subcommand, e.g. "config:set". */
    readonly subcommand: string,
    /** The command's exit code (20: the app does not exist). */
    readonly exitCode: number,
    /** Dokku's error lines without the ` !     ` prefix, or the raw stderr lines when there were none. */
    readonly messages: readonly string[],
  ) {
    super(`dokku ${subcommand} failed (exit ${exitCode})${messages.length > 0 ? `: ${messages.join("; ")}` : ""}`);
    this.name = new.target.name;
  }
}
