// `npm run rollback -- <stack> [--to <sha>]`, and the rollback workflow (its workflow_dispatch inputs `stack` and `to`):
// re-applies the stack at the last commit that passed its check (or the one given, which must have been deployed to
// that stack) with `up`, then checks it from outside. The database is never touched: restoring data is
// `npm run restore`. Waits for another update holding the stack's lock, then reads the stack's history again.
// Exit codes: 0 rolled back and verified; 1 the up or its check failed; 2 refused (a SHA never deployed to the stack,
// nothing verified to go back to, a preview); 64 bad usage.
import { parseArgs } from "node:util";
import { z } from "zod";
import { depsFromEnv, runMain, summarize } from "./lifecycle/cli-runtime";
import { readEvent } from "./lifecycle/github-event";
import { Rollback } from "./lifecycle/rollback";

const USAGE = "usage: npm run rollback -- <stack> [--to <40-character sha>]";
const dispatchInputs = z.object({ inputs: z.object({ stack: z.string().min(1), to: z.string().optional() }) });

/** From the command line, or in CI from the dispatch's inputs. */
function request(): { stack: string; to?: string } | undefined {
  const args = process.argv.slice(2);
  if (args.length === 0 && process.env.GITHUB_EVENT_NAME === "workflow_dispatch") {
    const { inputs } = dispatchInputs.parse(readEvent(process.env).payload);
    const to = inputs.to?.trim();
    return { stack: inputs.stack.trim(), ...(to ? { to } : {}) };
  }
  const parsed = parseArgs({ args, allowPositionals: true, options: { to: { type: "string" } } });
  const [stack, ...extra] = parsed.positionals;
  if (!stack || extra.length > 0) return undefined;
  return { stack, ...(parsed.values.to ? { to: parsed.values.to } : {}) };
}

runMain("rollback", async () => {
  let wanted;
  try {
    wanted = request();
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  }
  if (!wanted) {
    process.stderr.write(`${USAGE}\n`);
    return 64;
  }
  const deps = depsFromEnv(process.env);
  const result = await new Rollback(deps).run({ ...wanted, actor: deps.settings.actor });
  summarize(process.env, `**Rollback ${result.stack}**: ${result.outcome} — ${result.detail}`);
  if (result.outcome === "refused") process.stderr.write(`rollback refused: ${result.detail}\n`);
  return result.outcome === "rolled-back" ? 0 : result.outcome === "refused" ? 2 : 1;
});
