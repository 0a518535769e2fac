import { branchStack, type StackPlan } from "../../infra/stacks";
import { MINUTE } from "./clock";
import type { LifecycleDeps } from "./lifecycle-deps";
import type { StackUpdate } from "./stack-engine";
import { describeVerdict } from "./environment-check";
import { lastVerified } from "./verified-commits";
import { VerifiedUp } from "./verified-up";

export interface RollbackRequest {
  stack: string;
  /** The commit to go back to; default: the stack's last commit that passed its check. */
  to?: string;
  /** The commit being rolled back (a failed check's); default: the one the stack runs now. */
  from?: string;
  actor: string;
}

export type RollbackOutcome = "rolled-back" | "refused" | "failed";

export interface RollbackResult {
  outcome: RollbackOutcome;
  stack: string;
  /** The commit rolled back to. */
  sha?: string;
  detail: string;
}

/** How long a rollback waits for another update to release the stack (as the engine waits for its own operations). */
const LOCK_WAIT_MS = 30 * MINUTE;
const LOCK_POLL_MS = 15_000;

/**
 * Re-applies a long-lived stack at an earlier commit with `up` (so the deploy step runs `git:sync` at that commit),
 * then checks it from outside like any deploy. Only the app's code goes back: the database is never touched (a
 * migration is not undone; restoring data is `npm run restore`). A commit never deployed to the stack is refused.
 */
export class Rollback {
  constructor(private readonly deps: LifecycleDeps) {}

  async run(request: RollbackRequest): Promise<RollbackResult> {
    const { stack } = request;
    if (stack.startsWith("pr-")) return refused(stack, `${stack} is a preview: push to its pull request or comment /update instead`);
    if (request.to !== undefined && !/^[0-9a-f]{40}$/.test(request.to)) {
      return refused(stack, `--to ${JSON.stringify(request.to)} must be a full 40-character commit SHA`);
    }
    if (!(await this.deps.engine.listStacks()).some((s) => s.name === stack)) return refused(stack, `there is no stack ${stack}`);
    await this.waitForLock(stack);
    // Read after the wait: the update that held the lock may have deployed, or verified, another commit.
    const updates = await this.deps.engine.history(stack);
    const deployed = deployedCommits(updates);
    const current = updates.find((u) => u.kind === "update")?.config["restant:commit"];
    if (request.to !== undefined && !deployed.has(request.to)) {
      return refused(stack, `${request.to} was never deployed to ${stack}: a rollback only goes back to a commit the stack ran`);
    }
    const target = request.to ?? (await lastVerified(this.deps.engine, stack));
    if (!target) return refused(stack, `no commit of ${stack} has passed its check yet: there is nothing to roll back to`);
    const from = request.from ?? current;
    if (request.to === undefined && target === from) {
      return refused(stack, `${target} is both the last verified commit and the one to roll back from: give --to <sha>`);
    }
    const plan = planAt(stack, target, updates);
    this.deps.log(`rolling ${stack} back to ${target}${from ? ` from ${from}` : ""}; the database is not touched\n`);
    const result = await new VerifiedUp(this.deps).run({
      plan,
      sha: target,
      payload: { kind: "rollback", stack, actor: request.actor, ...(from ? { rolledBackFrom: from } : {}) },
      message: { kind: "rollback", sha: target, actor: request.actor, ...(from ? { from } : {}) },
      description: `rollback to ${target.slice(0, 12)}${from ? ` from ${from.slice(0, 12)}` : ""}`,
    });
    if (result.kind === "up-failed") return { outcome: "failed", stack, sha: target, detail: `pulumi up of ${target} failed` };
    if (result.kind === "check-failed") return { outcome: "failed", stack, sha: target, detail: `rolled back to ${target}, but ${describeVerdict(result.check)}` };
    return { outcome: "rolled-back", stack, sha: target, detail: `${stack} runs ${target} again and answers its health check` };
  }

  private async waitForLock(stack: string): Promise<void> {
    const { engine, clock, log } = this.deps;
    const started = clock.now().getTime();
    while (await engine.locked(stack)) {
      if (clock.now().getTime() - started >= LOCK_WAIT_MS) return; // the up's own lock wait reports it
      log(`stack ${stack} is locked by another update; waiting ${LOCK_POLL_MS / 1000}s before rolling back\n`);
      await clock.sleep(LOCK_POLL_MS);
    }
  }
}

/** Commits the stack ran: `restant:commit` of every update that succeeded. */
export function deployedCommits(updates: readonly StackUpdate[]): Set<string> {
  return new Set(updates.filter((u) => u.kind === "update" && u.result === "succeeded").map((u) => u.config["restant:commit"]).filter((c): c is string => !!c));
}

/** The stack's plan at a commit: production and staging from their branches, a branch stack from its recorded branch. */
function planAt(stack: string, sha: string, updates: readonly StackUpdate[]): StackPlan {
  if (stack === "production") return branchStack("main", sha);
  if (stack === "staging") return branchStack("staging", sha);
  const branch = updates.map((u) => u.config["restant:branch"]).find((b): b is string => !!b);
  if (!branch) throw new Error(`the history of ${stack} records no restant:branch: it cannot be re-planned`);
  return branchStack(branch, sha);
}

function refused(stack: string, detail: string): RollbackResult {
  return { outcome: "refused", stack, detail };
}
