// `npm run history -- <stack> [--json] [--limit N]`: the stack's last deploys (commit, when, who, how long, the up's
// result, its check, rolled back or not) from its update history and tags. Needs only the state backend
// (PULUMI_BACKEND_URL and, for a DIY backend, PULUMI_CONFIG_PASSPHRASE). Exit codes: 0 printed, 1 failed, 64 bad usage.
import { parseArgs } from "node:util";
import { AutomationStackEngine } from "./lifecycle/automation-stack-engine";
import { refuseMissingBackend, runMain } from "./lifecycle/cli-runtime";
import { systemClock } from "./lifecycle/clock";
import { deployHistory, renderHistory } from "./lifecycle/deploy-history";

const USAGE = "usage: npm run history -- <stack> [--json] [--limit N]   (N: 1 to 100, default 20)";

runMain("history", async () => {
  let parsed;
  try {
    parsed = parseArgs({ args: process.argv.slice(2), allowPositionals: true, options: { json: { type: "boolean" }, limit: { type: "string" } } });
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n${USAGE}\n`);
    return 64;
  }
  const [stack, ...extra] = parsed.positionals;
  const limit = Number(parsed.values.limit ?? 20);
  if (!stack || extra.length > 0 || !Number.isInteger(limit) || limit < 1 || limit > 100) {
    process.stderr.write(`${USAGE}\n`);
    return 64;
  }
  refuseMissingBackend(process.env);
  const engine = new AutomationStackEngine({ workDir: process.env.RESTANT_WORK_DIR ?? process.cwd(), clock: systemClock });
  if (!(await engine.listStacks()).some((s) => s.name === stack)) {
    process.stderr.write(`history: there is no stack ${stack} on this backend\n`);
    return 1;
  }
  const records = await deployHistory(engine, stack, limit);
  process.stdout.write(parsed.values.json ? `${JSON.stringify(records, null, 2)}\n` : renderHistory(stack, records));
  return 0;
});
