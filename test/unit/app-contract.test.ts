import { readFileSync } from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { PROGRAM_VARIABLES, RESERVED_VARIABLES } from "../../infra/app-variables";
import { requireBuilt, projectRoot } from "../support/built";
import { plan, type PlanResult, resourcesOfType } from "../support/evaluate";

type Contract = typeof import("../../scripts/contract/app-environment");
type Documented = typeof import("../../scripts/contract/documented-tables");
type AppEnv = typeof import("../../infra/app-env");
type Evaluate = typeof import("../../scripts/plan/evaluate");
type ChooseStack = typeof import("../../scripts/plan/choose-stack");
const { appEnvironment, stackAppEnvOf, environmentTable, tableIn, withTable } = requireBuilt<Contract>("scripts/contract/app-environment.ts");
const { DOCUMENTED_TABLES, plannedTable } = requireBuilt<Documented>("scripts/contract/documented-tables.ts");
const { dotenv, parseDotenv } = requireBuilt<typeof import("../../components/forge/dotenv")>("components/forge/dotenv.ts");
const { evaluateStack } = requireBuilt<Evaluate>("scripts/plan/evaluate.ts");
const { chooseStack } = requireBuilt<ChooseStack>("scripts/plan/choose-stack.ts");

const APP = "pulumi-nodejs:dynamic/dokku:App";
const CHECK = "grafana:syntheticMonitoring/check:Check";
const RULES = "grafana:alerting/ruleGroup:RuleGroup";
const appConfig = (result: PlanResult) => resourcesOfType(result, APP)[0]!.revealedInputs.config as Record<string, string>;

describe("the app contract (docs/app-contract.md)", () => {
  const r: Record<string, PlanResult> = {};
  beforeAll(async () => {
    r.staging = await plan({ stack: "staging" });
    r.production = await plan({ stack: "production" });
    r.preview = await plan({ stack: "pr-7", branch: "feat/x" });
  });

  it("documents exactly the environment the program gives staging on Dokku and on Forge (npm run contract -- --write regenerates both)", async () => {
    const document = readFileSync(path.join(projectRoot, "docs", "app-contract.md"), "utf8");
    expect(DOCUMENTED_TABLES.map((t) => t.name)).toEqual(["app-environment", "app-environment-forge"]);
    for (const table of DOCUMENTED_TABLES) {
      const planned = await plannedTable(table);
      expect(tableIn(document, table.name), table.name).toBe(planned);
      // A row the program no longer sets is caught, in either table, and --write's replacement puts the plan back.
      const stale = withTable(document, table.name, `${planned}\n| \`OLD_VARIABLE\` | program | x |`);
      expect(tableIn(stale, table.name)).not.toBe(planned);
      expect(tableIn(withTable(stale, table.name, planned), table.name)).toBe(planned);
    }
    expect(tableIn(document, "app-environment")).toBe(environmentTable(appEnvironment(r.staging!), "`npm run plan -- staging` as shipped"));
  });

  it("reads a Forge stack's environment from its .env through the same path: the database user's and the server's Redis variables", async () => {
    const forge = DOCUMENTED_TABLES.find((t) => t.name === "app-environment-forge")!;
    const planned = await plan({ stack: forge.stack }, forge.configPatch);
    const variables = appEnvironment(planned);
    const source = (name: string) => variables.find((v) => v.name === name);
    expect(source("DB_HOST")).toEqual({ name: "DB_HOST", setBy: "database user", value: "127.0.0.1" });
    expect(source("DB_USERNAME")).toEqual({ name: "DB_USERNAME", setBy: "database user", value: "restant_staging" });
    expect(source("DB_PASSWORD")).toEqual({ name: "DB_PASSWORD", setBy: "database user", value: "[secret]" });
    expect(source("REDIS_PORT")).toEqual({ name: "REDIS_PORT", setBy: "server's Redis", value: "6379" });
    expect(source("APP_KEY")).toEqual({ name: "APP_KEY", setBy: "program", value: "[secret]" });
    expect(variables.some((v) => v.name === "DATABASE_URL" || v.name === "REDIS_URL")).toBe(false);
    // The program's variables are the same on both runtimes.
    const program = (list: typeof variables) => list.filter((v) => v.setBy === "program");
    expect(program(variables)).toEqual(program(appEnvironment(r.staging!)));
    // A variable no list says who sets fails the contract rather than being labelled by guess.
    const env = planned.resources.find((x) => x.type === "pulumi-nodejs:dynamic/forge:EnvironmentFile")!;
    const widened = { ...planned, resources: planned.resources.map((x) => (x === env ? { ...x, revealedInputs: { ...x.revealedInputs, content: `${x.revealedInputs.content}SOMETHING_NEW='1'\n` } } : x)) };
    expect(() => appEnvironment(widened)).toThrow(/gives the app SOMETHING_NEW, which infra\/app-variables\.ts does not list/);
  });

  it("reads back exactly what dotenv() wrote, quotes and backslashes included, and refuses other lines without showing them", () => {
    const variables = { A_KEY: "it's a \\ test", EMPTY: "", URL: "https://x.example/?a=1&b='2'" };
    expect(parseDotenv(dotenv(variables))).toEqual(variables);
    expect(() => parseDotenv("A='ok'\nexport SECRET=hunter2\n")).toThrow(/^line 2 of the \.env is not one dotenv\(\) writes/);
    const refused = (() => {
      try {
        parseDotenv("SECRET=hunter2\n");
      } catch (error) {
        return String(error);
      }
      return "accepted";
    })();
    expect(refused).toMatch(/line 1 of the \.env/);
    expect(refused).not.toContain("hunter2");
  });

  it("sets what Laravel 11+ reads: mysql with DB_URL from the link, Redis for cache and queue", () => {
    for (const result of [r.staging!, r.production!, r.preview!]) {
      expect(appConfig(result)).toMatchObject({ DB_CONNECTION: "mysql", CACHE_STORE: "redis", QUEUE_CONNECTION: "redis" });
      const names = appEnvironment(result).map((v) => v.name);
      expect(names).toEqual(expect.arrayContaining(["DATABASE_URL", "DB_URL", "REDIS_URL"]));
      // Production and staging have a Redis service of their own; previews a slot on the shared one.
      expect(names.includes("REDIS_DB")).toBe(result.spec.kind === "preview");
      // Every variable the program sets is one infra/app-variables.ts lists (the names restant:app.env may not take).
      for (const name of Object.keys(appConfig(result))) expect(PROGRAM_VARIABLES as readonly string[]).toContain(name);
    }
  });

  it("checks the health path (default /up) from outside, names it in the alert and exports it for the post-deploy check", async () => {
    expect(resourcesOfType(r.production!, CHECK)[0]!.inputs).toMatchObject({ target: "https://restant.main.example.com/up" });
    expect(r.production!.outputs.healthUrl).toEqual({ value: "https://restant.main.example.com/up", secret: false });

    const custom = await plan({ stack: "staging" }, { "restant:app": JSON.stringify({ healthPath: "/healthz" }) });
    expect(resourcesOfType(custom, CHECK)[0]!.inputs).toMatchObject({ target: "https://restant.staging.example.com/healthz" });
    const rules = (resourcesOfType(custom, RULES)[0]!.inputs.rules as { name: string; annotations: { summary: string } }[]);
    expect(rules[0]).toMatchObject({ name: "restant-staging /healthz failing", annotations: { summary: expect.stringContaining("/healthz") } });
    expect(custom.outputs.healthUrl!.value).toBe("https://restant.staging.example.com/healthz");
  });

  it("passes restant:app.env on, secret when the stack's value is a Pulumi secret, and lists it in the contract", async () => {
    const appValue = JSON.stringify({ env: { MAIL_MAILER: "smtp", GRAFANA_CLOUD_INSTANCE_ID: "123456" } });
    const chosen = chooseStack({ stack: "staging" });
    const plain = { ...chosen, config: { ...chosen.config, "restant:app": appValue } };
    const planned = await evaluateStack(plain);
    expect(appConfig(planned)).toMatchObject({ MAIL_MAILER: "smtp", GRAFANA_CLOUD_INSTANCE_ID: "123456" });
    const listed = appEnvironment(planned, stackAppEnvOf(plain));
    expect(listed.find((v) => v.name === "MAIL_MAILER")).toEqual({ name: "MAIL_MAILER", setBy: "restant:app.env", value: "smtp" });

    const secretValue = JSON.stringify({ env: { MAIL_PASSWORD: "hunter2-mail-password", MAIL_HOST: "smtp.mailgun.org" } });
    const secretStack = { ...chosen, config: { ...chosen.config, "restant:app": secretValue }, secretKeys: ["restant:app"] };
    const secret = await evaluateStack(secretStack);
    expect(appConfig(secret)).toMatchObject({ MAIL_PASSWORD: "hunter2-mail-password", MAIL_HOST: "smtp.mailgun.org" });
    expect(appEnvironment(secret, stackAppEnvOf(secretStack)).filter((v) => v.name.startsWith("MAIL_"))).toEqual([
      { name: "MAIL_HOST", setBy: "restant:app.env", value: "[secret]" },
      { name: "MAIL_PASSWORD", setBy: "restant:app.env", value: "[secret]" },
    ]);
    // The spec is registered in plain text as a component's inputs and outputs: the values never go there.
    expect(JSON.stringify([secret.spec, secret.outputs, secret.resources.map((x) => x.inputs)])).not.toMatch(/hunter2-mail-password|smtp\.mailgun\.org/);
  });

  it("makes every restant:app.env value a Pulumi secret when the engine marks restant:app secret", async () => {
    const { appEnvOf } = requireBuilt<AppEnv>("infra/app-env.ts");
    const config = { app: { env: { MAIL_HOST: "smtp.mailgun.org" } } } as unknown as Parameters<AppEnv["appEnvOf"]>[0];
    expect(await pulumi.isSecret(pulumi.output(appEnvOf(config, true).MAIL_HOST))).toBe(true);
    expect(await pulumi.isSecret(pulumi.output(appEnvOf(config, false).MAIL_HOST))).toBe(false);
  });

  it("refuses a restant:app.env name someone else sets, and a malformed one, naming the key", async () => {
    // DB_HOST and REDIS_PORT: a Forge site's .env takes them from the runtime, which would override the stack's silently.
    for (const name of ["DB_URL", "APP_KEY", "REDIS_DB", "DB_HOST", "REDIS_PORT"]) expect(RESERVED_VARIABLES).toContain(name);
    await expect(plan({ stack: "staging" }, { "restant:app": JSON.stringify({ env: { DB_URL: "mysql://x" } }) })).rejects.toThrow(
      /restant:app\.env\.DB_URL: is set by this program or a linked service/,
    );
    await expect(plan({ stack: "staging" }, { "restant:app": JSON.stringify({ env: { "mail-host": "x" } }) })).rejects.toThrow(
      /restant:app\.env\.mail-host: is not an environment variable name/,
    );
  });

  it("requires restant:gitRepository: no example repository is deployed by default", async () => {
    const chosen = chooseStack({ stack: "staging" });
    const { ["restant:gitRepository"]: _dropped, ...rest } = chosen.config;
    await expect(evaluateStack({ ...chosen, config: rest })).rejects.toThrow(/restant:gitRepository: is required/);
  });
});
