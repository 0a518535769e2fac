// CI entry point of the scheduled drift check: `node build/scripts/drift.js [stack…]`. Runs
// `pulumi preview --refresh --expect-no-changes` on each long-lived stack (or those named) and keeps one GitHub
// issue per drifted stack. Exit codes: 0 every check ran (drift is reported in issues), 1 a check failed.
import { depsFromEnv, runMain, summarize } from "./lifecycle/cli-runtime";
import { DriftCheck } from "./lifecycle/drift-check";

runMain("drift", async () => {
  // Drift issues belong to this repository, also in the platform layout: they are about its stacks, not the app's PRs.
  const deps = depsFromEnv(process.env, "platform");
  const only = process.argv.slice(2);
  const results = await new DriftCheck(deps).run(only.length > 0 ? only : undefined);
  summarize(
    process.env,
    ["**Drift check**", ...results.map((r) => `- ${r.stack}: ${r.outcome} (issue ${r.issue})${r.detail ? `: ${r.detail}` : ""}`)].join("\n"),
  );
  return results.some((r) => r.outcome === "error") ? 1 : 0;
});
