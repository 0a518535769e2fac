import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import * as path from "node:path";

/** One resource a stand-in plugin made, as its "cloud" keeps it. */
export interface CloudRecord {
  type: string;
  urn: string;
  inputs: Record<string, unknown>;
  outputs: Record<string, unknown>;
}

/**
 * A stand-in provider's "cloud": what exists, by id, in one JSON file per provider package, so a refresh reads what is
 * really there and a test can look at (or change) it. Reads and writes are synchronous and whole-file: the engine runs
 * one plugin process per package, so no two writers share a file.
 */
export class CloudFile {
  constructor(readonly file: string) {}

  all(): Record<string, CloudRecord> {
    if (!existsSync(this.file)) return {};
    return JSON.parse(readFileSync(this.file, "utf8")) as Record<string, CloudRecord>;
  }

  get(id: string): CloudRecord | undefined {
    return this.all()[id];
  }

  put(id: string, record: CloudRecord): void {
    this.write({ ...this.all(), [id]: record });
  }

  remove(id: string): void {
    const { [id]: _gone, ...rest } = this.all();
    this.write(rest);
  }

  private write(records: Record<string, CloudRecord>): void {
    mkdirSync(path.dirname(this.file), { recursive: true });
    const temporary = `${this.file}.${process.pid}.tmp`;
    writeFileSync(temporary, `${JSON.stringify(records, null, 2)}\n`, { mode: 0o600 });
    renameSync(temporary, this.file);
  }
}
