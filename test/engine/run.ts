import { performance } from "node:perf_hooks";
import { openEngineSession } from "./engine-session";
import { type EngineWorld, startEngineWorld } from "./engine-world";
import type { Scenario } from "./scenario";
import { forgePreviewScenario } from "./scenarios/forge-preview";
import { forgeStagingScenario } from "./scenarios/forge-staging";
import { policyPackScenario } from "./scenarios/policy-pack";
import { previewLifecycleScenario } from "./scenarios/preview-lifecycle";
import { previewWarmPoolScenario } from "./scenarios/preview-warm-pool";
import { previewStackScenario } from "./scenarios/preview-stack";
import { productionScenario } from "./scenarios/production";
import { smoke } from "./scenarios/smoke";
import { verifiedRollbackScenario } from "./scenarios/verified-rollback";

const SCENARIOS: Scenario[] = [smoke, previewStackScenario, previewLifecycleScenario, previewWarmPoolScenario, productionScenario, policyPackScenario, forgeStagingScenario, forgePreviewScenario, verifiedRollbackScenario];

/**
 * `npm run test:engine`: the scenarios on the real Pulumi engine built by scripts/engine/build.ts, each with a fresh
 * file:// backend and stand-in clouds, sharing the servers. One line per scenario; exits 1 when any fails.
 * Pick scenarios by a part of their name: `node build/test/engine/run.js smoke`.
 */
async function main(filters: string[]): Promise<number> {
  const scenarios = SCENARIOS.filter((s) => filters.length === 0 || filters.some((f) => s.name.includes(f)));
  const started = performance.now();
  let world: Promise<EngineWorld> | undefined;
  let failed = 0;
  try {
    for (const scenario of scenarios) {
      const session = await openEngineSession();
      if (scenario === scenarios[0]) process.stdout.write(`engine: pulumi v${session.cli.version?.format() ?? "?"} (built from Go source), ${session.layout.cli}\n`);
      const t0 = performance.now();
      try {
        const saw = await scenario.run({ session, world: () => (world ??= startEngineWorld()) });
        process.stdout.write(`ok    ${scenario.name}: ${saw} (${seconds(t0)} s)\n`);
      } catch (error) {
        failed++;
        process.stdout.write(`FAIL  ${scenario.name} (${seconds(t0)} s)\n${indent(String((error as Error).stack ?? error))}\n`);
      } finally {
        session.close();
      }
    }
  } finally {
    if (world) await (await world).stop();
  }
  process.stdout.write(`engine: ${scenarios.length - failed}/${scenarios.length} scenarios passed in ${seconds(started)} s\n`);
  return failed === 0 ? 0 : 1;
}

function seconds(since: number): string {
  return ((performance.now() - since) / 1000).toFixed(1);
}

function indent(text: string): string {
  return text.split("\n").map((line) => `      ${line}`).join("\n");
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: Error) => {
    process.stderr.write(`engine: ${error.stack ?? error.message}\n`);
    process.exit(1);
  },
);
