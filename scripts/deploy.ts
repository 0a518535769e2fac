// CI entry point for long-lived branches: `node build/scripts/deploy.js` in the deploy workflow.
// A push to main deploys production, to staging staging, to a branch in RESTANT_LONG_LIVED_BRANCHES its stack.
// Exit codes: 0 deployed or nothing to deploy, 1 the up failed, 2 a branch git would refuse (naming restant:branch).
import { BranchDeploy } from "./lifecycle/branch-deploy";
import { depsFromEnv, runMain, summarize } from "./lifecycle/cli-runtime";
import { deployTargetFromEvent, readEvent } from "./lifecycle/github-event";

runMain("deploy", async () => {
  const deps = depsFromEnv(process.env);
  const event = readEvent(process.env);
  const result = await new BranchDeploy(deps).run(deployTargetFromEvent(event.name, event.payload, process.env));
  summarize(process.env, `**Deploy${result.stack ? ` ${result.stack}` : ""}**: ${result.outcome} — ${result.detail}`);
  return result.outcome === "failed" ? 1 : 0;
});
