/**
 * A dokku command failing the way Dokku fails: ` !     <message>` on stderr and an exit code (1, or 20 for a missing
 * app, as `AppDoesNotExist` in dokku's common plugin does). Several messages print one ` !` line each; `raw` is
 * stderr text printed as is (pflag's usage errors are not prefixed).
 */
export class DokkuFailure extends Error {
  raw?: string;

  constructor(
    readonly lines: string[],
    readonly exitCode: number = 1,
  ) {
    super(lines.join("\n"));
  }

  static of(message: string, exitCode = 1): DokkuFailure {
    return new DokkuFailure([message], exitCode);
  }

  /** What Dokku writes to stderr for this failure. */
  stderrText(): string {
    return (this.raw ?? "") + this.lines.map((line) => ` !     ${line}\n`).join("");
  }
}
