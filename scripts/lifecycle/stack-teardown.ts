import type { Clock } from "./clock";
import type { StackEngine } from "./stack-engine";

export type TeardownResult =
  | { kind: "removed"; attempts: number }
  | { kind: "absent" }
  | { kind: "kept"; attempts: number; remaining: number | undefined; lastError: string };

export interface StackTeardownOptions {
  /** Destroy attempts before the stack is kept for the next run. Default: 3. */
  attempts?: number;
  /** Wait before the second, third… attempt. Default: 30 s, then 60 s. */
  backoffMs?: number[];
  log?: (text: string) => void;
}

/**
 * destroy → verify the stack holds no resource → `stack rm`. A destroy that fails is retried; a stack that still
 * holds resources is never removed (removing it would orphan live resources no one tracks any more).
 */
export class StackTeardown {
  private readonly attempts: number;
  private readonly backoffMs: number[];
  private readonly log: (text: string) => void;

  constructor(
    private readonly engine: StackEngine,
    private readonly clock: Clock,
    options: StackTeardownOptions = {},
  ) {
    this.attempts = options.attempts ?? 3;
    this.backoffMs = options.backoffMs ?? [30_000, 60_000];
    this.log = options.log ?? ((text) => process.stderr.write(text));
  }

  async run(stack: string): Promise<TeardownResult> {
    if (!(await this.find(stack))) return { kind: "absent" };
    let lastError = "";
    let remaining: number | undefined;
    for (let attempt = 1; attempt <= this.attempts; attempt++) {
      if (attempt > 1) await this.clock.sleep(this.backoffMs[Math.min(attempt - 2, this.backoffMs.length - 1)] ?? 0);
      try {
        await this.engine.destroy(stack);
      } catch (error) {
        lastError = `destroy attempt ${attempt} failed`;
        this.log(`${stack}: ${lastError}: ${error instanceof Error ? error.message : String(error)}\n`);
      }
      const summary = await this.find(stack);
      if (!summary) return { kind: "removed", attempts: attempt };
      remaining = summary.resourceCount;
      if (remaining !== 0) {
        lastError ||= `destroy attempt ${attempt} left resources`;
        continue;
      }
      try {
        await this.engine.remove(stack);
        return { kind: "removed", attempts: attempt };
      } catch (error) {
        lastError = `stack rm attempt ${attempt} failed`;
        this.log(`${stack}: ${lastError}: ${error instanceof Error ? error.message : String(error)}\n`);
      }
    }
    return { kind: "kept", attempts: this.attempts, remaining, lastError };
  }

  private async find(stack: string) {
    return (await this.engine.listStacks()).find((s) => s.name === stack);
  }
}
