import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { CliError, type BackendStore } from "./backend-store";

/**
 * The DIY backend's per-stack lock: a file under `.pulumi/locks/…` made exclusively for the length of an update.
 * A second update refuses with the text the Automation API maps to ConcurrentUpdateError. A killed process leaves
 * its lock behind, as the real one does.
 */
export class StackLock {
  private file: string | undefined;

  constructor(
    private readonly store: BackendStore,
    private readonly stack: string,
  ) {}

  acquire(): void {
    const dir = this.store.lockDir(this.stack);
    mkdirSync(dir, { recursive: true });
    const file = path.join(dir, "update.json");
    try {
      writeFileSync(file, JSON.stringify({ pid: process.pid, username: os.userInfo().username, hostname: os.hostname(), timestamp: new Date().toISOString() }), { flag: "wx" });
    } catch {
      throw new CliError(this.lockedMessage(file), 1);
    }
    this.file = file;
  }

  release(): void {
    if (this.file) rmSync(this.file, { force: true });
    this.file = undefined;
  }

  isHeld(): boolean {
    try {
      writeFileSync(path.join(this.store.lockDir(this.stack), "update.json"), "", { flag: "wx" });
    } catch (error) {
      return (error as NodeJS.ErrnoException).code === "EEXIST";
    }
    rmSync(path.join(this.store.lockDir(this.stack), "update.json"), { force: true });
    return false;
  }

  private lockedMessage(file: string): string {
    if (this.store.world().lockStyle === "service") return "error: [409] Conflict: Another update is currently in progress.";
    return [
      "error: the stack is currently locked by 1 lock(s). Either wait for the other process(es) to end or delete the lock file with `pulumi cancel`.",
      `  file://${file}: created by another process`,
    ].join("\n");
  }
}
