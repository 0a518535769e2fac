import type { LifecycleDeps } from "./lifecycle-deps";
import { isAmong, lastVerified, recentlyVerified } from "./verified-commits";

/** What production may deploy: a commit staging deployed and verified, with the staging deployment it comes from. */
export type PromotionCheck = { kind: "allowed"; sha: string; stagingDeployment: string | undefined } | { kind: "refused"; reason: string };

/**
 * Staging → approve → production: production deploys only a commit whose staging deploy passed its check (staging's
 * `restant:verified-commits` tag). `sha` undefined asks for staging's last verified commit (the promotion the
 * production workflow offers). The staging GitHub Deployment that verified it is linked from production's.
 */
export async function checkPromotion(deps: LifecycleDeps, sha: string | undefined): Promise<PromotionCheck> {
  const { engine } = deps;
  if (!(await engine.listStacks()).some((s) => s.name === "staging")) {
    return { kind: "refused", reason: "there is no staging stack: production deploys only commits staging deployed and verified" };
  }
  const wanted = sha ?? (await lastVerified(engine, "staging"));
  if (!wanted) return { kind: "refused", reason: "staging has no verified commit yet: deploy staging first" };
  if (!isAmong(wanted, await recentlyVerified(engine, "staging"))) {
    return {
      kind: "refused",
      reason: `${wanted} was never deployed and verified on staging (or not among its last verified commits): push it to staging first`,
    };
  }
  return { kind: "allowed", sha: wanted, stagingDeployment: await verifiedStagingDeployment(deps, wanted) };
}

/**
 * The API URL of staging's Deployment of `sha` that this automation made (its client's login, settings.botLogin) and
 * that reached success, later superseded or not. Anyone with Deployments: write (another workflow, a person; in the
 * platform layout, the app repository's) can add a successful one: it is never what production links.
 */
async function verifiedStagingDeployment(deps: LifecycleDeps, sha: string): Promise<string | undefined> {
  try {
    for (const deployment of await deps.github.deployments("staging", sha)) {
      if (deployment.creator !== deps.settings.botLogin) continue;
      const statuses = await deps.github.deploymentStatuses(deployment.id);
      if (statuses.some((s) => s.state === "success")) return deployment.url;
    }
  } catch (error) {
    deps.log(`staging's deployments of ${sha} could not be read: ${error instanceof Error ? error.message : String(error)}\n`);
  }
  return undefined;
}
