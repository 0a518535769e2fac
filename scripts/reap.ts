// CI entry point of the scheduled reaper: `node build/scripts/reap.js`. Destroys previews whose PR closed or that
// expired (warning a day before), reconciles PRs, stacks and server leftovers, and starts queued previews.
// Exit codes: 0 swept, 1 a destroy left a stack behind (it is retried next time).
import { depsFromEnv, runMain, summarize } from "./lifecycle/cli-runtime";
import { Reaper } from "./lifecycle/reaper";
import { serverInventoryFromEnv } from "./lifecycle/server-inventory-from-env";

runMain("reap", async () => {
  const deps = depsFromEnv(process.env);
  // Without a Dokku key (or, on Forge, a token) there is no inventory: the summary then says the server was not inspected.
  const report = await new Reaper(deps, serverInventoryFromEnv(process.env)).run();
  const lines = [
    "**Preview reaper**",
    ...report.reaped.map((r) => `- #${r.pr}: ${r.reason} → ${r.outcome}`),
    ...report.warned.map((pr) => `- #${pr}: warned, expires within a day`),
    ...report.missing.map((pr) => `- #${pr}: labelled \`preview\` but has no stack and is not queued`),
    ...report.orphans.map((o) => `- orphan ${o.kind} ${o.name} (${o.slug})${report.removedOrphans.includes(o) ? ": removed" : ""}`),
    ...report.dispatched.map((pr) => `- #${pr}: started from the queue`),
    report.serverInspected
      ? "- the server was inspected (Dokku: apps, MySQL services, Redis slots; Forge: sites, databases, database users, background processes)"
      : "- the server was not inspected (no DOKKU_SSH_PRIVATE_KEY or DOKKU_SSH_PRIVATE_KEY_PATH; for a platform on Forge, no FORGE_API_TOKEN)",
  ];
  summarize(process.env, lines.filter(Boolean).join("\n"));
  return report.reaped.some((r) => r.outcome === "destroy-failed") ? 1 : 0;
});
