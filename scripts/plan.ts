// The offline plan: `npm run plan -- <stack> [--branch <name>] [--json]`. Evaluates the real program under Pulumi's
// mocks for one stack's config and prints what it declares, secrets masked. Needs no credentials, CLI or network.
// Exit codes: 0 planned, 2 bad stack config, 3 a mandatory policy violation (policies/), 64 bad command line,
// 1 anything else.
import { parseArgs } from "node:util";
import { StackConfigError } from "../infra/config/problems";
import { policies } from "../policies/all";
import { chooseStack, UsageError } from "./plan/choose-stack";
import { evaluateStack } from "./plan/evaluate";
import { planAsJson, planAsText } from "./plan/render";
import { hasMandatory, runPolicies } from "./plan/run-policies";

const USAGE = `usage: npm run plan -- <stack> [--json]            a stack with a file in stacks/ (production, staging, platform)
       npm run plan -- pr-<n> --branch <name> [--json]  a PR preview, synthesized as CI makes it
       npm run plan -- --branch <name> [--json]         the stack CI deploys that branch to`;

async function main(argv: string[]): Promise<number> {
  let args;
  try {
    args = parseArgs({
      args: branchAfterDashes(argv),
      allowPositionals: true,
      options: { branch: { type: "string" }, json: { type: "boolean", default: false }, help: { type: "boolean" } },
    });
  } catch (error) {
    return usage((error as Error).message);
  }
  if (args.values.help) return usage(undefined, 0);
  if (args.positionals.length > 1) return usage(`one stack at a time, got ${args.positionals.join(" ")}`);
  try {
    const chosen = chooseStack({ stack: args.positionals[0], branch: args.values.branch });
    const plan = await evaluateStack(chosen);
    // The same policies `pulumi preview --policy-pack policies` runs, so a mistake is refused before any credentials.
    const violations = await runPolicies(plan.resources, policies);
    process.stdout.write((args.values.json ? planAsJson(plan, violations) : planAsText(plan, violations)) + "\n");
    // Shipped example values plan (a fresh clone's first command works) but a real preview or up refuses them.
    for (const warning of plan.warnings) process.stderr.write(`${warning}\n`);
    if (!hasMandatory(violations)) return 0;
    for (const v of violations.filter((v) => v.enforcementLevel === "mandatory")) {
      process.stderr.write(`policy ${v.policy} (mandatory): ${v.message}\n`);
    }
    return 3;
  } catch (error) {
    if (error instanceof UsageError) return usage(error.message);
    if (error instanceof StackConfigError) {
      process.stderr.write(`${error.message}\n`);
      return 2;
    }
    throw error;
  }
}

/**
 * `--branch -- <name>` gives a name that begins with a dash, as `--branch=<name>` does: the name then reaches the
 * branch check, which refuses it naming restant:branch (exit 2), rather than being taken for an option.
 */
function branchAfterDashes(argv: readonly string[]): string[] {
  const at = argv.indexOf("--branch");
  if (at < 0 || argv[at + 1] !== "--" || argv[at + 2] === undefined) return [...argv];
  return [...argv.slice(0, at), `--branch=${argv[at + 2]}`, ...argv.slice(at + 3)];
}

function usage(problem: string | undefined, code = 64): number {
  if (problem) process.stderr.write(`plan: ${problem}\n`);
  process.stderr.write(`${USAGE}\n`);
  return code;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`plan failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
    process.exit(1);
  },
);
