import type * as pulumi from "@pulumi/pulumi";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requireBuilt } from "../support/built";
import { type DokkuServer, startDokkuServer } from "../support/dokku-server";
import { plan } from "../support/evaluate";
import { DATABASE_LINK_VARIABLES } from "../../infra/app-variables";

type Harness = typeof import("../support/serialized-provider");
type Steps = typeof import("../support/provider-steps");
type ProviderModule = typeof import("../../components/dokku/mysql/mysql-service-provider");
type Snapshot = typeof import("../support/snapshot-data");
type MariaDb = typeof import("../doubles/dokku/services/mariadb");
type Store = typeof import("../doubles/dokku/state/store");

const { asPulumiHostRunsIt, loadSerializedProvider } = requireBuilt<Harness>("test/support/serialized-provider.ts");
const { up, destroy } = requireBuilt<Steps>("test/support/provider-steps.ts");
const { mysqlServiceProvider } = requireBuilt<ProviderModule>("components/dokku/mysql/mysql-service-provider.ts");
const { loadSnapshot, databaseFingerprint, databaseBytes } = requireBuilt<Snapshot>("test/support/snapshot-data.ts");
const { testMariaDb, runSql } = requireBuilt<MariaDb>("test/doubles/dokku/services/mariadb.ts");
const { StateStore } = requireBuilt<Store>("test/doubles/dokku/state/store.ts");

const SNAPSHOT = "restant-snapshot";

let server: DokkuServer;
let provider: pulumi.dynamic.ResourceProvider;
let serializedText: string;
const mariadb = () => {
  const found = testMariaDb();
  if (!found) throw new Error("run through test/services/start.sh");
  return found;
};
const databaseOf = (service: string): string => {
  const record = new StateStore(server.stateDir).read().mysql[service];
  if (!record) throw new Error(`no service ${service}`);
  return record.database;
};
const hasService = (service: string) => service in new StateStore(server.stateDir).read().mysql;
const target = () => ({ host: server.host, port: server.port, user: "dokku" as const, hostKey: server.hostKey });
const inputs = (service: string, app: string, cloneFrom?: string) => ({
  version: 2,
  target: target(),
  service,
  app,
  ...(cloneFrom ? { cloneFrom } : {}),
});
const operator = async (...args: string[]) => {
  const result = await server.operator(args);
  if (result.code !== 0) throw new Error(`dokku ${args.join(" ")} exited ${result.code}: ${result.stderr}`);
  return result.stdout;
};
const appConfig = async (app: string) => JSON.parse(await operator("config:export", "--format", "json", app)) as Record<string, string>;

beforeAll(async () => {
  server = await startDokkuServer();
  process.env.DOKKU_SSH_PRIVATE_KEY = server.privateKey;
  ({ provider, text: serializedText } = await asPulumiHostRunsIt(mysqlServiceProvider));
  await operator("mysql:create", SNAPSHOT);
  await loadSnapshot(mariadb(), databaseOf(SNAPSHOT));
  for (const app of ["restant-pr-7", "restant-pr-8"]) await operator("apps:create", app);
}, 300_000);

afterAll(async () => {
  delete process.env.DOKKU_SSH_PRIVATE_KEY;
  await server?.stop();
});

describe("MysqlService (serialized provider, over SSH, on real MariaDB)", () => {
  it("keeps the private key out of the serialized provider", () => {
    expect(serializedText).not.toContain(server.privateKey.split("\n")[1]);
    expect(serializedText).not.toContain("__vite_ssr_import__");
  });

  it("clones the generated snapshot (>= 50 MB, 12 tables, foreign keys, blobs, utf8mb4) identically and links it", async () => {
    const snapshotDb = databaseOf(SNAPSHOT);
    expect(await databaseBytes(mariadb(), snapshotDb)).toBeGreaterThanOrEqual(50 * 1024 * 1024);
    const before = await databaseFingerprint(mariadb(), snapshotDb);

    const created = await provider.create!(inputs("restant-pr-7", "restant-pr-7", SNAPSHOT));
    expect(created.id).toBe("restant-pr-7");
    expect(created.outs).toMatchObject({ tables: 13, linkedApps: ["restant-pr-7"] });
    expect(created.outs.rows).toBeGreaterThan(300_000);
    // This snapshot was made without the refresh, which is what records when data was taken: no time, none invented.
    expect(created.outs.snapshotTakenAt).toBeUndefined();

    // Independently of the provider's own proof: the two databases dump to the same bytes.
    const clone = await databaseFingerprint(mariadb(), databaseOf("restant-pr-7"));
    expect(clone.sha256).toBe(before.sha256);
    const linked = await appConfig("restant-pr-7");
    expect(linked.DATABASE_URL).toMatch(/^mysql:\/\//);
    // Laravel 11+ reads DB_URL: the same DSN, and exactly the names docs/app-contract.md says the link sets.
    expect(linked.DB_URL).toBe(linked.DATABASE_URL);
    expect(Object.keys(linked).filter((key) => linked[key] === linked.DATABASE_URL).sort()).toEqual([...DATABASE_LINK_VARIABLES].sort());

    const read = await provider.read!("restant-pr-7", created.outs);
    expect(read.id).toBe("restant-pr-7");
    const diff = await provider.diff!("restant-pr-7", read.props, inputs("restant-pr-7", "restant-pr-7", SNAPSHOT));
    expect(diff.changes).toBe(false);

    // The preview's life: its app writes, then it is destroyed. The snapshot never changes, byte for byte.
    await runSql(mariadb(), `USE \`${databaseOf("restant-pr-7")}\`; DELETE FROM settings; INSERT INTO settings VALUES ('x', 'y');`);
    await provider.delete!("restant-pr-7", created.outs);
    expect(hasService("restant-pr-7")).toBe(false);
    expect(hasService(SNAPSHOT)).toBe(true);
    expect((await databaseFingerprint(mariadb(), snapshotDb)).sha256).toBe(before.sha256);
    expect((await appConfig("restant-pr-7")).DATABASE_URL).toBeUndefined();
    expect((await appConfig("restant-pr-7")).DB_URL).toBeUndefined();

    // Gone means gone: read says so, and a second delete is fine.
    expect((await provider.read!("restant-pr-7", created.outs)).id).toBe("");
    await provider.delete!("restant-pr-7", created.outs);
  });

  it("detects a clone that failed half-way, removes it and says what is wrong", async () => {
    // A snapshot whose dump dies in the middle: a row bigger than the server's packet limit (it went in while the
    // limit was higher), as real snapshots with big rows fail. mysql:clone swallows the failure and exits 0.
    const broken = "restant-snapshot-broken";
    await operator("mysql:create", broken);
    const db = databaseOf(broken);
    await runSql(mariadb(), `USE \`${db}\`; CREATE TABLE a_before (id INT PRIMARY KEY); INSERT INTO a_before VALUES (1), (2);
      CREATE TABLE m_big (id INT PRIMARY KEY, content LONGBLOB); CREATE TABLE z_after (id INT PRIMARY KEY); INSERT INTO z_after VALUES (1);`);
    const [limit] = (await runSql(mariadb(), "SELECT @@GLOBAL.max_allowed_packet;")).trim().split("\n");
    await runSql(mariadb(), "SET GLOBAL max_allowed_packet = 67108864;");
    try {
      await runSql(mariadb(), `USE \`${db}\`; INSERT INTO m_big VALUES (1, REPEAT('x', 20 * 1024 * 1024));`);
    } finally {
      await runSql(mariadb(), `SET GLOBAL max_allowed_packet = ${Number(limit)};`);
    }
    const before = await databaseFingerprint(mariadb(), db).catch(() => undefined);

    const clone = operator("mysql:clone", broken, "restant-probe");
    await expect(clone).resolves.toBeDefined(); // the plugin's own command "succeeds": the point of verifying
    await operator("mysql:destroy", "restant-probe", "--force");

    await expect(provider.create!(inputs("restant-pr-8", "restant-pr-8", broken))).rejects.toThrow(
      /clone of the snapshot restant-snapshot-broken into restant-pr-8 is not identical, so it was destroyed: .*(m_big|z_after)/,
    );
    expect(hasService("restant-pr-8")).toBe(false);
    expect((await appConfig("restant-pr-8")).DATABASE_URL).toBeUndefined();
    expect(hasService(broken)).toBe(true);
    if (before) expect((await databaseFingerprint(mariadb(), db)).sha256).toBe(before.sha256);
  });

  it("refuses to take over a service that already exists", async () => {
    await operator("mysql:create", "restant-pr-9");
    await expect(provider.create!(inputs("restant-pr-9", "restant-pr-8", SNAPSHOT))).rejects.toThrow(/already exists/);
    expect(hasService("restant-pr-9")).toBe(true);
    await operator("mysql:destroy", "restant-pr-9", "--force");
  });

  it("gives an app linked before DB_URL existed the DSN on the update that rolls the provider forward", async () => {
    await operator("mysql:create", "restant-pr-10");
    await operator("mysql:link", "restant-pr-10", "restant-pr-8", "--no-restart");
    expect((await appConfig("restant-pr-8")).DB_URL).toBeUndefined();
    const stored = { ...inputs("restant-pr-10", "restant-pr-8"), version: 1, tables: 0, rows: 0, linkedApps: ["restant-pr-8"] };

    const diff = await provider.diff!("restant-pr-10", stored, inputs("restant-pr-10", "restant-pr-8"));
    expect(diff).toMatchObject({ changes: true, replaces: [] });
    await provider.update!("restant-pr-10", stored, inputs("restant-pr-10", "restant-pr-8"));
    const config = await appConfig("restant-pr-8");
    expect(config.DB_URL).toMatch(/^mysql:\/\//);
    expect(config.DB_URL).toBe(config.DATABASE_URL);

    await provider.delete!("restant-pr-10", stored);
    expect(await appConfig("restant-pr-8")).not.toHaveProperty("DB_URL");
  });

  it("keeps production's database when the rest of its stack is destroyed", async () => {
    // Production's app and database exactly as the program declares them: inputs, options and the provider code the
    // program serializes into each resource, pointed at the test server instead of production's.
    const production = await plan({ stack: "production" });
    const declared = (kind: "App" | "MysqlService") => {
      const found = production.resources.find((r) => r.type === `pulumi-nodejs:dynamic/dokku:${kind}`);
      if (!found) throw new Error(`production declares no ${kind}`);
      const { __provider: text, ...inputs } = found.revealedInputs as Record<string, unknown> & { __provider: string };
      const onTestServer = { ...inputs, target: target() };
      return { provider: loadSerializedProvider(text), inputs: onTestServer, options: found.options };
    };
    const app = declared("App");
    const database = declared("MysqlService");
    expect(database.options).toMatchObject({ protect: true, retainOnDelete: true });
    expect(app.options.retainOnDelete).toBe(false);

    const appStored = await up(app.provider, undefined, app.inputs);
    const databaseStored = await up(database.provider, undefined, database.inputs);
    expect(databaseStored.outs).toMatchObject({ tables: 0, rows: 0, linkedApps: ["restant-main"] });
    const db = databaseOf("restant-main");
    await runSql(mariadb(), `USE \`${db}\`; CREATE TABLE tenants (id INT PRIMARY KEY); INSERT INTO tenants VALUES (1), (2), (3);`);
    const before = await databaseFingerprint(mariadb(), db);

    // `pulumi destroy` (protect lifted by hand first): dependents first, each as the engine treats its options.
    expect(await destroy(database.provider, databaseStored, database.options)).toBe("retained");
    expect(await destroy(app.provider, appStored, app.options)).toBe("deleted");

    expect((await server.operator(["apps:exists", "restant-main"])).code).toBe(20);
    expect(hasService("restant-main")).toBe(true);
    expect((await databaseFingerprint(mariadb(), db)).sha256).toBe(before.sha256);
    expect((await database.provider.read!("restant-main", databaseStored.outs)).props).toMatchObject({ linkedApps: [] });
  });
});
