import { branchStack } from "../../infra/stacks";
import { describeVerdict } from "./environment-check";
import type { DeployTarget } from "./github-event";
import type { LifecycleDeps } from "./lifecycle-deps";
import { checkPromotion } from "./promotion";
import { registerRelease } from "./register-release";
import { Rollback } from "./rollback";
import { VerifiedUp } from "./verified-up";

export type DeployOutcome = "ignored" | "refused" | "deployed" | "failed" | "rolled-back";

export interface DeployResult {
  outcome: DeployOutcome;
  stack?: string;
  detail: string;
}

/** Stacks whose failed check rolls back on its own: what users are on. */
const ROLLED_BACK_AUTOMATICALLY = new Set(["production", "staging"]);

/**
 * A push to a long-lived branch → `up` of its stack: main → production, staging → staging, and the branches listed
 * in RESTANT_LONG_LIVED_BRANCHES → their own stacks. Other branches deploy nothing (their PRs have previews).
 * Production takes only a commit staging verified. Each deploy is checked from outside before it counts; a failed
 * check on production or staging rolls back to the last verified commit, and both are reported.
 */
export class BranchDeploy {
  constructor(private readonly deps: LifecycleDeps) {}

  async run(target: DeployTarget): Promise<DeployResult> {
    if (target.kind === "ignore") return { outcome: "ignored", detail: target.reason };
    const { settings } = this.deps;
    const longLived = target.branch === "main" || target.branch === "staging" || settings.longLivedBranches.includes(target.branch);
    if (!longLived) return { outcome: "ignored", detail: `${target.branch} is not a long-lived branch` };

    let sha = target.sha;
    let promotedFrom: string | undefined;
    if (target.branch === "main") {
      const promotion = await checkPromotion(this.deps, target.stagingVerified ? undefined : target.sha);
      if (promotion.kind === "refused") return { outcome: "refused", stack: "production", detail: promotion.reason };
      sha = promotion.sha;
      promotedFrom = promotion.stagingDeployment;
    }
    // The commit is the commit deployed (restant:commit), the app's SENTRY_RELEASE and the release registered below.
    const plan = branchStack(target.branch, sha);
    const kind = plan.stack === "production" ? "promotion" : "deploy";
    const result = await new VerifiedUp(this.deps).run({
      plan,
      sha,
      payload: { kind, stack: plan.stack, actor: settings.actor, ...(promotedFrom ? { promotedFrom } : {}) },
      message: { kind, sha, actor: settings.actor },
      description: `${kind} of ${sha.slice(0, 12)} (${target.branch})`,
    });
    if (result.kind === "up-failed") return { outcome: "failed", stack: plan.stack, detail: "pulumi up failed" };
    if (result.kind === "verified") {
      const slug = typeof result.outputs.slug?.value === "string" ? result.outputs.slug.value : plan.stack;
      await registerRelease(this.deps, sha, slug, result.url);
      return { outcome: "deployed", stack: plan.stack, detail: `${result.url ?? plan.stack} (verified)` };
    }
    const failure = `${sha} failed its check (${describeVerdict(result.check)})`;
    if (!ROLLED_BACK_AUTOMATICALLY.has(plan.stack)) return { outcome: "failed", stack: plan.stack, detail: failure };
    const rollback = await new Rollback(this.deps).run({ stack: plan.stack, from: sha, actor: settings.actor });
    const outcome = rollback.outcome === "rolled-back" ? "rolled-back" : "failed";
    return { outcome, stack: plan.stack, detail: `${failure}; rollback: ${rollback.outcome} — ${rollback.detail}` };
  }
}
