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
  };
}
