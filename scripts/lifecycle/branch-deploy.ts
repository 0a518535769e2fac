import { branchStack } from "../../infra/stacks";
import type { DeployTarget } from "./github-event";
import type { LifecycleDeps } from "./lifecycle-deps";
import { registerRelease } from "./register-release";

export type DeployOutcome = "ignored" | "deployed" | "failed";

export interface DeployResult {
  outcome: DeployOutcome;
  stack?: string;
  detail: string;
}

/**
 * A push to a long-lived branch → `up` of its stack: main → production, staging → staging, and the branches listed
 * in RESTANT_LONG_LIVED_BRANCHES → their own stacks. Other branches deploy nothing (their PRs have previews).
 */
export class BranchDeploy {
  constructor(private readonly deps: LifecycleDeps) {}

  async run(target: DeployTarget): Promise<DeployResult> {
    if (target.kind === "ignore") return { outcome: "ignored", detail: target.reason };
    const { engine, settings } = this.deps;
    const longLived = target.branch === "main" || target.branch === "staging" || settings.longLivedBranches.includes(target.branch);
    if (!longLived) return { outcome: "ignored", detail: `${target.branch} is not a long-lived branch` };

    // The pushed commit is the commit deployed (restant:commit), the app's SENTRY_RELEASE and the release registered below.
    const plan = branchStack(target.branch, target.sha);
    await engine.prepare(plan);
    let outputs;
    try {
      outputs = await engine.up(plan.stack, `${target.branch} at ${target.sha}`);
    } catch (error) {
      this.deps.log(`pulumi up failed for ${plan.stack}: ${error instanceof Error ? error.message : String(error)}\n`);
      return { outcome: "failed", stack: plan.stack, detail: "pulumi up failed" };
    }
    const url = outputs.url && !outputs.url.secret && typeof outputs.url.value === "string" ? outputs.url.value : undefined;
    const slug = outputs.slug && typeof outputs.slug.value === "string" ? outputs.slug.value : plan.stack;
    await registerRelease(this.deps, target.sha, slug, url);
    return { outcome: "deployed", stack: plan.stack, detail: url ?? plan.stack };
  }
}
