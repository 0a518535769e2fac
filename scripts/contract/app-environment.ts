import { isSecretVariableName } from "../../components/laravel-config";
import { DATABASE_LINK_VARIABLES, REDIS_LINK_VARIABLES, REDIS_SLOT_VARIABLES } from "../../infra/app-variables";
import type { PlanResult } from "../plan/evaluate";
import type { RecordedResource } from "../plan/recorded-resource";

/** Who puts a variable on the app. */
export type VariableSource = "program" | "restant:app.env" | "database link" | "Redis link" | "Redis slot";

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

/** What each link variable holds: from the linked service on the server, never known to the program. */
const LINK_VALUES: Record<string, string> = {
  DATABASE_URL: "mysql://user:password@host:3306/database (dokku-mysql)",
  DB_URL: "the same DSN as DATABASE_URL",
  REDIS_URL: "redis://:password@host:6379 (dokku-redis, no database number)",
  REDIS_DB: "the environment's slot on the shared Redis",
  REDIS_CACHE_DB: "the same slot as REDIS_DB",
};

/**
 * The environment the app receives, read from a plan of the real program: the app resource's config (what the program
 * and `restant:app.env` set) plus the variables the database and Redis links set on the server.
 */
export function appEnvironment(plan: PlanResult, appEnv: StackAppEnv = { names: [], secret: false }): AppVariable[] {
  const app = plan.resources.find((r) => r.type === APP);
  if (!app) throw new Error(`stack ${plan.stack} declares no Dokku app: the app contract is read from an environment stack`);
  const late = plan.resources.filter((r) => r.type === APP_VARIABLES && r.inputs.app === app.inputs.appName);
  const config = Object.assign({}, (app.revealedInputs.config ?? {}) as Record<string, string>, ...late.map((r) => (r.revealedInputs.variables ?? {}) as Record<string, string>)) as Record<string, string>;
  const variables: AppVariable[] = Object.keys(config).map((name) => {
    const fromStack = appEnv.names.includes(name);
    const setBy: VariableSource = fromStack ? "restant:app.env" : "program";
    const secret = isSecretVariableName(name) || (fromStack && appEnv.secret);
    return { name, setBy, value: secret ? "[secret]" : String(config[name]) };
  });
  if (DATABASE_LINKS.some((type) => linksApp(plan.resources, type, app))) variables.push(...linked(DATABASE_LINK_VARIABLES, "database link"));
  if (linksApp(plan.resources, REDIS_LINK, app)) variables.push(...linked(REDIS_LINK_VARIABLES, "Redis link"));
  if (linksApp(plan.resources, REDIS_SLOT, app)) variables.push(...linked(REDIS_SLOT_VARIABLES, "Redis slot"));
  return variables.sort((a, b) => a.name.localeCompare(b.name));
}

function linksApp(resources: readonly RecordedResource[], type: string, app: RecordedResource): boolean {
  return resources.some((r) => r.type === type && r.inputs.app === app.inputs.appName);
}

function linked(names: readonly string[], setBy: VariableSource): AppVariable[] {
  return names.map((name) => ({ name, setBy, value: LINK_VALUES[name] ?? "set by the link" }));
}

export const TABLE_START = "<!-- app-environment:start (npm run contract -- --write) -->";
export const TABLE_END = "<!-- app-environment:end -->";

/** The Markdown table docs/app-contract.md holds between its markers. */
export function environmentTable(variables: readonly AppVariable[], stack: string): string {
  const rows = variables.map((v) => `| \`${v.name}\` | ${v.setBy} | ${v.value.replace(/\|/g, "\\|")} |`);
  return [`| variable | set by | value (\`npm run plan -- ${stack}\` as shipped) |`, "|---|---|---|", ...rows].join("\n");
}

/** The table currently between the markers of a document, or undefined when the markers are missing. */
export function tableIn(document: string): string | undefined {
  const start = document.indexOf(TABLE_START);
  const end = document.indexOf(TABLE_END);
  if (start < 0 || end < start) return undefined;
  return document.slice(start + TABLE_START.length, end).trim();
}

/** The document with its table replaced. */
export function withTable(document: string, table: string): string {
  const start = document.indexOf(TABLE_START);
  const end = document.indexOf(TABLE_END);
  if (start < 0 || end < start) throw new Error(`the document has no ${TABLE_START} … ${TABLE_END} markers`);
  return `${document.slice(0, start + TABLE_START.length)}\n${table}\n${document.slice(end)}`;
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
