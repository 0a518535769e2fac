/**
 * Dokku's log formatters (plugins/common/log.go, common/functions). Over SSH there is no TTY, so Dokku sets
 * DOKKU_QUIET_OUTPUT and the `*Quiet` variants print nothing; the double always runs that way.
 */
export interface Console {
  /** Plain line on stdout (`common.Log`). */
  log(text: string): void;
  /** `-----> text` on stdout. */
  info1(text: string): void;
  /** `=====> text` on stdout. */
  info2(text: string): void;
  /** `       text` on stdout. */
  verbose(text: string): void;
  /** ` !     text` on stderr. */
  warn(text: string): void;
  /** Raw bytes on stdout, for exports and dumps. */
  write(text: string | Buffer): void;
  /** Raw bytes on stderr: a failure's whole text, a client's own errors. */
  writeError(text: string | Buffer): void;
}

export function processConsole(): Console {
  const out = (text: string) => process.stdout.write(`${text}\n`);
  return {
    log: out,
    info1: (text) => out(`-----> ${text}`),
    info2: (text) => out(`=====> ${text}`),
    verbose: (text) => out(`       ${text}`),
    warn: (text) => process.stderr.write(` !     ${text}\n`),
    write: (text) => process.stdout.write(text),
    writeError: (text) => process.stderr.write(text),
  };
}

/** A console that keeps what a command prints, for running the double inside the test process. */
export function capturingConsole(): Console & { stdout(): string; stderr(): string } {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  const bytes = (text: string | Buffer) => (typeof text === "string" ? Buffer.from(text, "utf8") : text);
  const line = (text: string) => out.push(bytes(`${text}\n`));
  return {
    log: line,
    info1: (text) => line(`-----> ${text}`),
    info2: (text) => line(`=====> ${text}`),
    verbose: (text) => line(`       ${text}`),
    warn: (text) => err.push(bytes(` !     ${text}\n`)),
    write: (text) => out.push(bytes(text)),
    writeError: (text) => err.push(bytes(text)),
    stdout: () => Buffer.concat(out).toString("utf8"),
    stderr: () => Buffer.concat(err).toString("utf8"),
  };
}
