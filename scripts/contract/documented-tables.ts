import { chooseStack, type ChosenStack } from "../plan/choose-stack";
import { evaluateStack } from "../plan/evaluate";
import { appEnvironment, environmentTable, stackAppEnvOf } from "./app-environment";

/** One table docs/app-contract.md holds: the environment one stack's app receives, generated from its plan. */
export interface DocumentedTable {
  /** The name in the table's markers (`<!-- <name>:start … -->`). */
  name: string;
  /** The stack planned, with `configPatch` on top of its own config. */
  stack: string;
  configPatch: Record<string, string>;
  /** What the values column says they are from. */
  planned: string;
}

/** The Forge settings docs/forge.md's example stack file uses. */
const FORGE_EXAMPLE = { organization: "restant-co", serverId: 5150, ipv4: "203.0.113.50" };

/** The runtimes' tables: staging as shipped on Dokku, and the same stack on Forge (docs/forge.md's example). */
export const DOCUMENTED_TABLES: readonly DocumentedTable[] = [
  { name: "app-environment", stack: "staging", configPatch: {}, planned: "`npm run plan -- staging` as shipped" },
  {
    name: "app-environment-forge",
    stack: "staging",
    configPatch: { "restant:runtime": "forge", "restant:forge": JSON.stringify(FORGE_EXAMPLE) },
    planned: "staging with `restant:runtime: forge`, docs/forge.md's example",
  },
];

/** A stack's table as `npm run contract` prints it, from the plan of the real program. */
export async function stackTable(chosen: ChosenStack, planned: string): Promise<string> {
  return environmentTable(appEnvironment(await evaluateStack(chosen), stackAppEnvOf(chosen)), planned);
}

/** The table a documented one must hold now. */
export async function plannedTable(table: DocumentedTable): Promise<string> {
  const chosen = chooseStack({ stack: table.stack });
  return stackTable({ ...chosen, config: { ...chosen.config, ...table.configPatch } }, table.planned);
}
