// CI entry point for long-lived branches: `node build/scripts/deploy.js` in the deploy workflow.
// A push to main deploys production, to staging staging, to a branch in RESTANT_LONG_LIVED_BRANCHES its stack.
// Every deploy is checked from outside (https://<host>/<health path>) before it counts; a failed check on production or
// staging rolls back to the last verified commit. Production takes only a commit staging verified (a dispatch on main
// without a commit promotes staging's last verified one).
// Exit codes: 0 deployed and verified, or nothing to deploy; 1 the up or its check failed (rolled back or not);
// 2 refused: a branch git would refuse (naming restant:branch), a commit staging never verified.
import { BranchDeploy } from "./lifecycle/branch-deploy";
import { depsFromEnv, runMain, summarize } from "./lifecycle/cli-runtime";
import { deployTargetFromEvent, readEvent } from "./lifecycle/github-event";

runMain("deploy", async () => {
  const deps = depsFromEnv(process.env);
  const event = readEvent(process.env);
  const result = await new BranchDeploy(deps).run(deployTargetFromEvent(event.name, event.payload, process.env));
  summarize(process.env, `**Deploy${result.stack ? ` ${result.stack}` : ""}**: ${result.outcome} — ${result.detail}`);
  return result.outcome === "refused" ? 2 : result.outcome === "failed" || result.outcome === "rolled-back" ? 1 : 0;
});
