// `npm run contract [-- <stack>] [--write]`: the environment the app receives (docs/app-contract.md's table), read
// from the offline plan of the real program. Without --write it exits 1 when the document's table differs.
import { readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { appEnvironment, environmentTable, stackAppEnvOf, tableIn, withTable } from "./contract/app-environment";
import { chooseStack } from "./plan/choose-stack";
import { evaluateStack } from "./plan/evaluate";
import { projectDir } from "./plan/stack-files";

const DOCUMENT = path.join(projectDir, "docs", "app-contract.md");
/** The stack whose planned environment the document shows. */
const DOCUMENTED_STACK = "staging";

async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({ args: argv, allowPositionals: true, options: { write: { type: "boolean", default: false } } });
  const chosen = chooseStack({ stack: positionals[0] ?? DOCUMENTED_STACK });
  if (values.write && chosen.stack !== DOCUMENTED_STACK) throw new Error(`the document shows ${DOCUMENTED_STACK}; --write takes no other stack`);
  const table = environmentTable(appEnvironment(await evaluateStack(chosen), stackAppEnvOf(chosen)), chosen.stack);
  const document = readFileSync(DOCUMENT, "utf8");
  if (values.write) {
    writeFileSync(DOCUMENT, withTable(document, table));
    return 0;
  }
  process.stdout.write(`${table}\n`);
  if (tableIn(document) === table) return 0;
  process.stderr.write("docs/app-contract.md's table differs from what the program sets: run `npm run contract -- --write`\n");
  return 1;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`contract failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
