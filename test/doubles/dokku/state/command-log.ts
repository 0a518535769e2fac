import { appendFileSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { giveToOwnerOf } from "./store";

/** One dokku command the double ran. */
export interface LoggedCommand {
  argv: string[];
  exitCode: number;
  /** Who ran it: "dokku" through the forced command, "root" from a shell (Dokku's SSH_USER). */
  user: string;
  /** Milliseconds since the epoch when it started, and how long it took. */
  startedAt: number;
  durationMs: number;
}

/** Every command, one JSON line each, appended with O_APPEND so concurrent commands never overwrite each other. */
export class CommandLog {
  readonly file: string;

  constructor(dir: string) {
    this.file = path.join(dir, "commands.jsonl");
  }

  append(entry: LoggedCommand): void {
    const existed = existsSync(this.file);
    appendFileSync(this.file, `${JSON.stringify(entry)}\n`, { mode: 0o600 });
    if (!existed) giveToOwnerOf(path.dirname(this.file), this.file);
  }

  all(): LoggedCommand[] {
    if (!existsSync(this.file)) return [];
    return readFileSync(this.file, "utf8")
      .split("\n")
      .filter((line) => line !== "")
      .map((line) => JSON.parse(line) as LoggedCommand);
  }

  clear(): void {
    writeFileSync(this.file, "", { mode: 0o600 });
    giveToOwnerOf(path.dirname(this.file), this.file);
  }
}
