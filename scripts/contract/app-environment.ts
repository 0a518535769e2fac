import { isSecretVariableName } from "../../components/laravel-config";
import { parseDotenv } from "../../components/forge/dotenv";
import {
  DATABASE_LINK_VARIABLES,
  FORGE_DATABASE_VARIABLES,
  FORGE_REDIS_VARIABLES,
  PROGRAM_VARIABLES,
  REDIS_LINK_VARIABLES,
  REDIS_SLOT_VARIABLES,
} from "../../infra/app-variables";
import type { RuntimeSpec } from "../../infra/spec";
import type { PlanResult } from "../plan/evaluate";
import type { RecordedResource } from "../plan/recorded-resource";

/** Who puts a variable on the app. */
export type VariableSource = "program" | "restant:app.env" | "database link" | "Redis link" | "Redis slot" | "database user" | "server's Redis";

/** One variable the app receives, as docs/app-contract.md's table lists it. */
export interface AppVariable {
  name: string;
  setBy: VariableSource;
  /** The planned value; "[secret]" for a secret; for a link's variables, what the link puts there. */
  value: string;
}

const APP = "pulumi-nodejs:dynamic/dokku:App";
/** Variables other services create, set on the app by a step of their own (components/laravel-config.ts LATE_VARIABLES). */
const APP_VARIABLES = "pulumi-nodejs:dynamic/dokku:AppVariables";
/** The service links the app itself, or (a preview, whose clone does not wait for the app) a MysqlLink step does. */
const DATABASE_LINKS = ["pulumi-nodejs:dynamic/dokku:MysqlService", "pulumi-nodejs:dynamic/dokku:MysqlLink"];
const REDIS_LINK = "pulumi-nodejs:dynamic/dokku:RedisLink";
const REDIS_SLOT = "pulumi-nodejs:dynamic/dokku:RedisSlot";
const FORGE_ENVIRONMENT_FILE = "pulumi-nodejs:dynamic/forge:EnvironmentFile";

/** What each link variable holds: from the linked service on the server, never known to the program. */
const LINK_VALUES: Record<string, string> = {
  DATABASE_URL: "mysql://user:password@host:3306/database (dokku-mysql)",
  DB_URL: "the same DSN as DATABASE_URL",
  REDIS_URL: "redis://:password@host:6379 (dokku-redis, no database number)",
  REDIS_DB: "the environment's slot on the shared Redis",
  REDIS_CACHE_DB: "the same slot as REDIS_DB",
};

/** What a runtime's planned resources give the app. */
interface RuntimeVariables {
  /** Variables whose values the plan holds (a Dokku app's config, a Forge site's .env), by name. */
  planned: Record<string, string>;
  /** Variables a service link sets on the server, whose values the program never knows. */
  linked: AppVariable[];
}

/** A Dokku app: its config and the late variables set on it by their own step, plus what its links set on the server. */
function dokkuVariables(plan: PlanResult): RuntimeVariables {
  const app = plan.resources.find((r) => r.type === APP);
  if (!app) throw new Error(`stack ${plan.stack} declares no Dokku app: the app contract is read from an environment stack`);
  const late = plan.resources.filter((r) => r.type === APP_VARIABLES && r.inputs.app === app.inputs.appName);
  const planned = Object.assign({}, (app.revealedInputs.config ?? {}) as Record<string, string>, ...late.map((r) => (r.revealedInputs.variables ?? {}) as Record<string, string>)) as Record<string, string>;
  const linked: AppVariable[] = [];
  if (DATABASE_LINKS.some((type) => linksApp(plan.resources, type, app))) linked.push(...linkVariables(DATABASE_LINK_VARIABLES, "database link"));
  if (linksApp(plan.resources, REDIS_LINK, app)) linked.push(...linkVariables(REDIS_LINK_VARIABLES, "Redis link"));
  if (linksApp(plan.resources, REDIS_SLOT, app)) linked.push(...linkVariables(REDIS_SLOT_VARIABLES, "Redis slot"));
  return { planned, linked };
}

/** A Forge site: its .env holds everything, the program's variables and where the database and Redis are. */
function forgeVariables(plan: PlanResult): RuntimeVariables {
  const file = plan.resources.find((r) => r.type === FORGE_ENVIRONMENT_FILE);
  if (!file || typeof file.revealedInputs.content !== "string") throw new Error(`stack ${plan.stack} declares no Forge .env with known content: the app contract is read from an environment stack`);
  return { planned: parseDotenv(file.revealedInputs.content), linked: [] };
}

const RUNTIME_VARIABLES: Record<RuntimeSpec["kind"], (plan: PlanResult) => RuntimeVariables> = { dokku: dokkuVariables, forge: forgeVariables };

/** Who sets a planned variable; a name infra/app-variables.ts does not list fails, so the contract cannot go stale. */
function sourceOf(name: string, appEnv: StackAppEnv): VariableSource {
  const isIn = (list: readonly string[]) => list.includes(name);
  if (isIn(appEnv.names)) return "restant:app.env";
  if (isIn(PROGRAM_VARIABLES)) return "program";
  if (isIn(FORGE_DATABASE_VARIABLES)) return "database user";
  if (isIn(FORGE_REDIS_VARIABLES)) return "server's Redis";
  // A slot claimed for the environment, written beside the server's Redis (a Forge preview's .env).
  if (isIn(REDIS_SLOT_VARIABLES)) return "Redis slot";
  throw new Error(`the plan gives the app ${name}, which infra/app-variables.ts does not list: list it there with who sets it`);
}

/**
 * The environment the app receives, read from a plan of the real program, whatever runtime the stack uses: the
 * variables the planned resources hold (what the program, the runtime and `restant:app.env` set) plus the ones
 * service links set on the server.
 */
export function appEnvironment(plan: PlanResult, appEnv: StackAppEnv = { names: [], secret: false }): AppVariable[] {
  if (plan.spec.kind === "platform") throw new Error(`stack ${plan.stack} is the platform: the app contract is read from an environment stack`);
  const { planned, linked } = RUNTIME_VARIABLES[plan.spec.runtime.kind](plan);
  const variables: AppVariable[] = Object.keys(planned).map((name) => {
    const setBy = sourceOf(name, appEnv);
    const secret = isSecretVariableName(name) || (setBy === "restant:app.env" && appEnv.secret);
    return { name, setBy, value: secret ? "[secret]" : String(planned[name]) };
  });
  return [...variables, ...linked].sort((a, b) => a.name.localeCompare(b.name));
}

function linksApp(resources: readonly RecordedResource[], type: string, app: RecordedResource): boolean {
  return resources.some((r) => r.type === type && r.inputs.app === app.inputs.appName);
}

function linkVariables(names: readonly string[], setBy: VariableSource): AppVariable[] {
  return names.map((name) => ({ name, setBy, value: LINK_VALUES[name] ?? "set by the link" }));
}

/** The markers around one generated table in docs/app-contract.md, by the table's name. */
export function tableMarkers(table: string): { start: string; end: string } {
  return { start: `<!-- ${table}:start (npm run contract -- --write) -->`, end: `<!-- ${table}:end -->` };
}

/** The Markdown table docs/app-contract.md holds between a table's markers; `planned` says what the values are from. */
export function environmentTable(variables: readonly AppVariable[], planned: string): string {
  const rows = variables.map((v) => `| \`${v.name}\` | ${v.setBy} | ${v.value.replace(/\|/g, "\\|")} |`);
  return [`| variable | set by | value (${planned}) |`, "|---|---|---|", ...rows].join("\n");
}

/** The table currently between a table's markers in a document, or undefined when the markers are missing. */
export function tableIn(document: string, table: string): string | undefined {
  const { start: startMarker, end: endMarker } = tableMarkers(table);
  const start = document.indexOf(startMarker);
  const end = document.indexOf(endMarker);
  if (start < 0 || end < start) return undefined;
  return document.slice(start + startMarker.length, end).trim();
}

/** The document with one table replaced. */
export function withTable(document: string, table: string, content: string): string {
  const { start: startMarker, end: endMarker } = tableMarkers(table);
  const start = document.indexOf(startMarker);
  const end = document.indexOf(endMarker);
  if (start < 0 || end < start) throw new Error(`the document has no ${startMarker} … ${endMarker} markers`);
  return `${document.slice(0, start + startMarker.length)}\n${content}\n${document.slice(end)}`;
}

/** The names `restant:app.env` sets in a stack, and whether its values are secret (infra/app-env.ts). */
export interface StackAppEnv {
  names: string[];
  secret: boolean;
}

export function stackAppEnvOf(chosen: { config: Record<string, string>; secretKeys?: string[] }): StackAppEnv {
  const raw = chosen.config["restant:app"];
  const app = raw === undefined ? {} : (JSON.parse(raw) as { env?: Record<string, unknown> });
  return { names: Object.keys(app.env ?? {}), secret: (chosen.secretKeys ?? []).includes("restant:app") };
}
