import type * as pulumi from "@pulumi/pulumi";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requireBuilt } from "../support/built";
import { type DokkuServer, startDokkuServer } from "../support/dokku-server";

type Harness = typeof import("../support/serialized-provider");
type VariablesModule = typeof import("../../components/dokku/app/app-variables-provider");
type AppModule = typeof import("../../components/dokku/app/app-provider");

const { asPulumiHostRunsIt } = requireBuilt<Harness>("test/support/serialized-provider.ts");
const { appVariablesProvider } = requireBuilt<VariablesModule>("components/dokku/app/app-variables-provider.ts");
const { dokkuAppProvider } = requireBuilt<AppModule>("components/dokku/app/app-provider.ts");

let server: DokkuServer;
let variables: Required<pulumi.dynamic.ResourceProvider>;
let apps: Required<pulumi.dynamic.ResourceProvider>;

const target = () => ({ host: server.host, port: server.port, user: "dokku" as const, hostKey: server.hostKey });
const DSN = "https://public@sentry.example/1";
const KEY = "ser.aaaaaaaaaaaaaaaaaaaaaa";
const operator = async (...args: string[]) => {
  const result = await server.operator(args);
  if (result.code !== 0) throw new Error(`dokku ${args.join(" ")} exited ${result.code}: ${result.stderr}`);
  return result.stdout;
};
const configOf = async (app: string) => JSON.parse(await operator("config:export", "--format", "json", app)) as Record<string, string>;
const appProps = (app: string, config: Record<string, string>, setElsewhere?: string[]) => ({
  target: target(),
  appName: app,
  domains: [],
  config,
  scale: { web: 1, worker: 0 },
  adopt: false,
  ...(setElsewhere ? { setElsewhere } : {}),
  version: 2,
});

beforeAll(async () => {
  server = await startDokkuServer();
  process.env.DOKKU_SSH_PRIVATE_KEY = server.privateKey;
  ({ provider: variables } = (await asPulumiHostRunsIt(appVariablesProvider)) as { provider: Required<pulumi.dynamic.ResourceProvider> });
  ({ provider: apps } = (await asPulumiHostRunsIt(dokkuAppProvider)) as { provider: Required<pulumi.dynamic.ResourceProvider> });
});

afterAll(async () => {
  delete process.env.DOKKU_SSH_PRIVATE_KEY;
  await server?.stop();
});

describe("AppVariables (serialized provider, over SSH, on the Dokku double)", () => {
  it("sets the late variables without a restart, sees drift, restarts a deployed app on update, and unsets on delete", async () => {
    await operator("apps:create", "late-vars");
    const inputs = { version: 1, target: target(), app: "late-vars", variables: { SENTRY_LARAVEL_DSN: DSN, FLAGSMITH_ENVIRONMENT_KEY: KEY } };
    const created = await variables.create(inputs);
    expect(await configOf("late-vars")).toMatchObject({ SENTRY_LARAVEL_DSN: DSN, FLAGSMITH_ENVIRONMENT_KEY: KEY });
    // The secret values never travel on a command line in clear: --encoded (base64), and the log shows no DSN.
    expect(JSON.stringify(server.commands())).not.toContain(DSN);
    expect((await variables.read(created.id, created.outs)).props).toMatchObject({ variables: inputs.variables });

    await operator("config:set", "--no-restart", "late-vars", "FLAGSMITH_ENVIRONMENT_KEY=changed-by-hand");
    const drifted = await variables.read(created.id, created.outs);
    expect((await variables.diff(created.id, drifted.props, inputs)).changes).toBe(true);

    expect((await operator("git:sync", "--build", "late-vars", "https://example.com/restant.git", "main"))).toBeDefined();
    server.resetCounters();
    await variables.update(created.id, drifted.props, inputs);
    expect((await configOf("late-vars")).FLAGSMITH_ENVIRONMENT_KEY).toBe(KEY);
    expect(server.restarts("late-vars")).toBe(1);

    await variables.delete(created.id, inputs);
    const after = await configOf("late-vars");
    expect(after).not.toHaveProperty("SENTRY_LARAVEL_DSN");
    expect(after).not.toHaveProperty("FLAGSMITH_ENVIRONMENT_KEY");
    await operator("apps:destroy", "--force", "late-vars");
    expect((await variables.read(created.id, created.outs)).id).toBe("");
    await variables.delete(created.id, inputs);
  });

  it("an app that managed the keys before hands them over: its update leaves them on the server for AppVariables", async () => {
    const before = await apps.create(appProps("handover", { APP_ENV: "preview", SENTRY_LARAVEL_DSN: DSN }));
    expect((await configOf("handover")).SENTRY_LARAVEL_DSN).toBe(DSN);
    const wanted = appProps("handover", { APP_ENV: "preview" }, ["SENTRY_LARAVEL_DSN"]);
    expect((await apps.diff("handover", before.outs, wanted)).changes).toBe(true);
    await apps.update("handover", before.outs, wanted);
    const after = await configOf("handover");
    expect(after.SENTRY_LARAVEL_DSN).toBe(DSN);
    expect(after.PULUMI_DOKKU_MANAGED_KEYS).toBe("v1:APP_ENV");
    const late = await variables.create({ version: 1, target: target(), app: "handover", variables: { SENTRY_LARAVEL_DSN: DSN } });
    expect(late.id).toBe("handover");
    // Nothing to set: the value is already there.
    expect(server.commands().filter((c) => c.argv[0] === "config:set" && c.argv.includes("handover")).length).toBe(2);
  });

  it("refuses bad names before any command, and a key given to both the app and AppVariables", async () => {
    const { failures } = await variables.check({}, { version: 1, target: target(), app: "Bad App", variables: { "1BAD": "x" } });
    expect((failures ?? []).map((f) => f.property).sort()).toEqual(["app", "variables.1BAD"]);
    const both = await apps.check({}, appProps("both", { SENTRY_LARAVEL_DSN: DSN }, ["SENTRY_LARAVEL_DSN"]));
    expect((both.failures ?? []).map((f) => f.property)).toEqual(["config.SENTRY_LARAVEL_DSN"]);
  });
});
