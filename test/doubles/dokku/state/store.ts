import { chownSync, existsSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import * as lockfile from "proper-lockfile";
import { DokkuState, emptyState } from "./types";

/**
 * The double's state on disk: one JSON file replaced atomically (write + rename), so readers never lock and never see
 * half a file; writers serialize on a lock, because parallel SSH channels run dokku commands concurrently and a
 * read-modify-write without it loses updates.
 */
export class StateStore {
  readonly file: string;

  constructor(readonly dir: string) {
    this.file = path.join(dir, "state.json");
  }

  read(): DokkuState {
    if (!existsSync(this.file)) return emptyState();
    return JSON.parse(readFileSync(this.file, "utf8")) as DokkuState;
  }

  /** Runs `change` on the current state under the lock and saves it, unless `change` throws. */
  async update<T>(change: (state: DokkuState) => T | Promise<T>): Promise<T> {
    const release = await lockfile.lock(this.file, {
      ...this.lockOptions(),
      retries: { retries: 2_000, minTimeout: 2, maxTimeout: 25, factor: 1.2 },
    });
    try {
      const state = this.read();
      const result = await change(state);
      this.write(JSON.stringify(state));
      return result;
    } finally {
      await release();
    }
  }

  /** update() for synchronous callers (the test harness): polls the same lock. */
  updateSync(change: (state: DokkuState) => void): void {
    const deadline = Date.now() + 30_000;
    for (;;) {
      try {
        const release = lockfile.lockSync(this.file, this.lockOptions());
        try {
          const state = this.read();
          change(state);
          this.write(JSON.stringify(state));
        } finally {
          release();
        }
        return;
      } catch (error) {
        if ((error as { code?: string }).code !== "ELOCKED" || Date.now() > deadline) throw error;
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
      }
    }
  }

  private lockOptions(): lockfile.LockOptions {
    return { realpath: false, lockfilePath: path.join(this.dir, "state.lock"), stale: 30_000 };
  }

  private write(text: string): void {
    const temporary = `${this.file}.${process.pid}.tmp`;
    writeFileSync(temporary, text, { mode: 0o600 });
    giveToOwnerOf(this.dir, temporary);
    renameSync(temporary, this.file);
  }
}

/**
 * The state folder belongs to the `dokku` user behind sshd; when root (the test process, or an operator on the server)
 * writes in it, the files must stay the dokku user's so the forced command can still read them.
 */
export function giveToOwnerOf(dir: string, file: string): void {
  if (process.getuid?.() !== 0) return;
  const owner = statSync(dir);
  if (owner.uid !== 0) chownSync(file, owner.uid, owner.gid);
}
