// `npm run contract [-- <stack>] [--write]`: the environment the app receives (docs/app-contract.md's tables), read
// from the offline plan of the real program. Without a stack: every table the document holds (Dokku's and Forge's
// staging) is planned and printed, and it exits 1 when one differs from the document; --write rewrites them. With a
// stack: that stack's table, whatever its runtime, printed and compared with nothing.
import { readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { tableIn, withTable } from "./contract/app-environment";
import { DOCUMENTED_TABLES, plannedTable, stackTable } from "./contract/documented-tables";
import { chooseStack } from "./plan/choose-stack";
import { projectDir } from "./plan/stack-files";

const DOCUMENT = path.join(projectDir, "docs", "app-contract.md");

async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({ args: argv, allowPositionals: true, options: { write: { type: "boolean", default: false } } });
  const stack = positionals[0];
  if (stack !== undefined) {
    if (values.write) throw new Error("--write rewrites the document's tables, which are planned from their own stacks: give no stack");
    process.stdout.write(`${await stackTable(chooseStack({ stack }), `\`npm run plan -- ${stack}\``)}\n`);
    return 0;
  }
  let document = readFileSync(DOCUMENT, "utf8");
  const stale: string[] = [];
  for (const table of DOCUMENTED_TABLES) {
    const planned = await plannedTable(table);
    process.stdout.write(`${table.name}:\n${planned}\n\n`);
    if (tableIn(document, table.name) !== planned) stale.push(table.name);
    document = withTable(document, table.name, planned);
  }
  if (values.write) {
    writeFileSync(DOCUMENT, document);
    return 0;
  }
  if (stale.length === 0) return 0;
  process.stderr.write(`docs/app-contract.md's ${stale.join(" and ")} table differs from what the program sets: run \`npm run contract -- --write\`\n`);
  return 1;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`contract failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
