import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requireBuilt } from "../support/built";
import type { DokkuServer } from "../support/dokku-server";
import { type SnapshotServer, startSnapshotServer } from "../support/snapshot-server";

type Scripts = typeof import("../../components/dokku/server/server-scripts");
type Rules = typeof import("../../infra/config/masking-rules");
type Snapshot = typeof import("../support/snapshot-data");
type MariaDb = typeof import("../doubles/dokku/services/mariadb");
type Harness = typeof import("../support/serialized-provider");
type MysqlProvider = typeof import("../../components/dokku/mysql/mysql-service-provider");
type SnapshotTime = typeof import("../../components/dokku/mysql/snapshot-time");

const { snapshotRefreshScript } = requireBuilt<Scripts>("components/dokku/server/server-scripts.ts");
const { loadMaskingRules } = requireBuilt<Rules>("infra/config/masking-rules.ts");
const { loadSnapshot, databaseFingerprint } = requireBuilt<Snapshot>("test/support/snapshot-data.ts");
const { runSql } = requireBuilt<MariaDb>("test/doubles/dokku/services/mariadb.ts");
const { asPulumiHostRunsIt } = requireBuilt<Harness>("test/support/serialized-provider.ts");
const { mysqlServiceProvider } = requireBuilt<MysqlProvider>("components/dokku/mysql/mysql-service-provider.ts");
const { SNAPSHOT_TIME_TABLE } = requireBuilt<SnapshotTime>("components/dokku/mysql/snapshot-time.ts");

/** The repository's own rules, as the platform stack installs them. */
const RULES = loadMaskingRules("stacks/snapshot-masking.yaml", "platform");
const KNOWN_HASH = "$2y$10$92IXUNpkjO0rOQ5byMi.Ye4oKoEa3Ro9llC/.og/at2.uheWG/igi";
/** The refresh as the platform installs it, with the test server's own lock and generation file. */
const script = () => ({
  source: "restant-main",
  snapshot: "restant-snapshot",
  masking: RULES,
  lockPath: at.lockPath,
  generationPath: at.generationPath,
});

let at: SnapshotServer;
let server: DokkuServer;
const mariadb = () => at.mariadb();
const databaseOf = (service: string) => at.databaseOf(service);
const sql = (database: string, text: string) => runSql(mariadb(), `USE \`${database}\`;\n${text}`);
const column = async (database: string, text: string) => (await sql(database, text)).split("\n").filter((l) => l !== "");
const runAsRoot = (text: string) => at.runAsRoot(text);

/** The side databases a refresh masks in (restant_next_…, restant_old_…): none may outlive a run. */
const sideDatabases = async () => (await runSql(mariadb(), "SHOW DATABASES;")).split("\n").filter((d) => /^restant_(next|old)_/.test(d));

/** Rows per base table of the app's (the refresh's own record of when it ran is not one). */
async function rowCounts(database: string): Promise<Record<string, number>> {
  const tables = (await column(database, "SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE() AND table_type = 'BASE TABLE' ORDER BY 1;")).filter(
    (table) => table !== SNAPSHOT_TIME_TABLE,
  );
  const counts: Record<string, number> = {};
  for (const table of tables) counts[table] = Number((await column(database, `SELECT COUNT(*) FROM \`${table}\`;`))[0]);
  return counts;
}

/** Rows whose foreign key points at nothing, per constraint: every one must be 0. */
async function danglingForeignKeys(database: string): Promise<Record<string, number>> {
  const keys = await column(
    database,
    "SELECT CONCAT_WS('|', constraint_name, table_name, column_name, referenced_table_name, referenced_column_name) FROM information_schema.key_column_usage " +
      "WHERE table_schema = DATABASE() AND referenced_table_name IS NOT NULL ORDER BY 1;",
  );
  const dangling: Record<string, number> = {};
  for (const key of keys) {
    const [name, table, col, refTable, refCol] = key.split("|");
    const [count] = await column(
      database,
      `SELECT COUNT(*) FROM \`${table}\` c LEFT JOIN \`${refTable}\` p ON p.\`${refCol}\` = c.\`${col}\` WHERE c.\`${col}\` IS NOT NULL AND p.\`${refCol}\` IS NULL;`,
    );
    dangling[`${table}.${name}`] = Number(count);
  }
  return dangling;
}

beforeAll(async () => {
  at = await startSnapshotServer(["restant-main", "restant-snapshot"]);
  ({ server } = at);
  await loadSnapshot(mariadb(), databaseOf("restant-main"), 0.05);
  // Last week's snapshot: a table production has since dropped, and old rows.
  await sql(databaseOf("restant-snapshot"), "CREATE TABLE dropped_since (id INT PRIMARY KEY); CREATE TABLE tenants (id INT PRIMARY KEY); INSERT INTO tenants VALUES (999);");
}, 120_000);

afterAll(async () => {
  await at?.stop();
});

describe("the weekly snapshot refresh script, run as root on the server, with the repository's masking rules", () => {
  it("replaces the snapshot with production's data masked: no original e-mail, name or hash survives; rows and foreign keys hold", async () => {
    const production = databaseOf("restant-main");
    const before = await databaseFingerprint(mariadb(), production);
    const originals = {
      emails: await column(production, "SELECT email FROM users ORDER BY id;"),
      names: await column(production, "SELECT name FROM users ORDER BY id;"),
      hashes: await column(production, "SELECT password FROM users ORDER BY id;"),
      phones: await column(production, "SELECT phone FROM users ORDER BY id;"),
    };
    expect(originals.emails.length).toBeGreaterThan(100);

    const started = Math.floor(Date.now() / 1000) * 1000;
    const result = await runAsRoot(snapshotRefreshScript(script()));
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/restant-snapshot refreshed from restant-main, masked by stacks\/snapshot-masking\.yaml \(\d+ bytes\)/);
    const finished = Date.now();
    // The new generation, which retires warm pool members cloned from the old snapshot.
    expect(readFileSync(at.generationPath, "utf8")).toMatch(/^\d{8}T\d{6}Z\n$/);

    const snapshot = databaseOf("restant-snapshot");
    const everything = await sql(snapshot, "SELECT * FROM users; SELECT * FROM payments;");
    for (const email of originals.emails) expect(everything.includes(email), email).toBe(false);
    expect(everything).not.toMatch(/@example\.com/);
    expect(everything).not.toContain("Zoë");
    expect(everything).not.toContain("Ñandú");
    expect(everything).not.toContain("198.51.100.");
    expect(everything).not.toContain("stripe");
    for (const hash of originals.hashes.slice(0, 500)) expect(everything.includes(hash), hash).toBe(false);
    for (const phone of originals.phones.slice(0, 500)) expect(everything.includes(phone), phone).toBe(false);

    expect(await column(snapshot, "SELECT DISTINCT password FROM users;")).toEqual([KNOWN_HASH]);
    expect(await column(snapshot, "SELECT COUNT(*) FROM users WHERE email <> CONCAT('user', id, '@example.invalid') OR name <> CONCAT('Test User ', id);")).toEqual(["0"]);
    expect(await column(snapshot, "SELECT COUNT(*) FROM users WHERE bio IS NOT NULL OR remember_token IS NOT NULL OR last_login_ip IS NOT NULL;")).toEqual(["0"]);
    expect(await column(snapshot, "SELECT COUNT(*), COUNT(DISTINCT phone) FROM users;")).toEqual([`${originals.phones.length}\t${new Set(originals.phones).size}`]);

    expect(await rowCounts(snapshot)).toEqual(await rowCounts(production));
    const dangling = await danglingForeignKeys(snapshot);
    expect(Object.keys(dangling).length).toBeGreaterThan(5);
    expect(Object.values(dangling).every((n) => n === 0), JSON.stringify(dangling)).toBe(true);
    // Tables without rules are copied as they are; production itself is untouched; the stage is gone.
    expect(await column(snapshot, "CHECKSUM TABLE orders;")).toEqual(await column(production, "CHECKSUM TABLE orders;").then((r) => r.map((l) => l.replace(production, snapshot))));
    expect((await databaseFingerprint(mariadb(), production)).sha256).toBe(before.sha256);
    expect(await sideDatabases()).toEqual([]);
    // The view came back from the export's own definition, over the masked tables.
    expect(await column(snapshot, "SELECT COUNT(*) FROM paid_orders;")).toEqual(await column(production, "SELECT COUNT(*) FROM paid_orders;"));

    // The snapshot records when production's data was taken (the export's start, UTC), and a clone made by the
    // preview's database provider carries it as its output.
    const [takenAt, ...more] = await column(snapshot, `SELECT taken_at FROM ${SNAPSHOT_TIME_TABLE};`);
    expect(more).toEqual([]);
    expect(takenAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(Date.parse(takenAt!)).toBeGreaterThanOrEqual(started);
    expect(Date.parse(takenAt!)).toBeLessThanOrEqual(finished);
    expect(await column(production, `SHOW TABLES LIKE '${SNAPSHOT_TIME_TABLE}';`)).toEqual([]);
    process.env.DOKKU_SSH_PRIVATE_KEY = server.privateKey;
    try {
      const { provider } = await asPulumiHostRunsIt(mysqlServiceProvider);
      const target = { host: server.host, port: server.port, user: "dokku" as const, hostKey: server.hostKey };
      const clone = await provider.create!({ version: 2, target, service: "restant-pr-3", cloneFrom: "restant-snapshot" });
      expect(clone.outs.snapshotTakenAt).toBe(takenAt);
      await provider.delete!("restant-pr-3", clone.outs);
    } finally {
      delete process.env.DOKKU_SSH_PRIVATE_KEY;
    }
  });

  it("fails closed on a personal-looking column without a rule, naming table.column and leaving the snapshot untouched", async () => {
    const production = databaseOf("restant-main");
    await sql(production, "ALTER TABLE users ADD COLUMN iban VARCHAR(34) NULL; ALTER TABLE tenants ADD COLUMN contact_email VARCHAR(191) NULL;");
    try {
      const before = await databaseFingerprint(mariadb(), databaseOf("restant-snapshot"));
      const result = await runAsRoot(snapshotRefreshScript(script()));
      expect(result.code).not.toBe(0);
      expect(result.stderr).toContain("the masking rules (stacks/snapshot-masking.yaml) do not fit restant-main's data");
      expect(result.stderr).toMatch(/ {2}users\.iban: looks personal and has no rule/);
      expect(result.stderr).toMatch(/ {2}tenants\.contact_email: looks personal and has no rule/);
      expect(result.stderr).toMatch(/the snapshot restant-snapshot is unchanged/);
      expect((await databaseFingerprint(mariadb(), databaseOf("restant-snapshot"))).sha256).toBe(before.sha256);
      expect(await sideDatabases()).toEqual([]);
    } finally {
      await sql(production, "ALTER TABLE users DROP COLUMN iban; ALTER TABLE tenants DROP COLUMN contact_email;");
    }
  });

  it("fails on a rule naming a table or column that does not exist, naming it", async () => {
    const before = await databaseFingerprint(mariadb(), databaseOf("restant-snapshot"));
    const masking = {
      ...RULES,
      tables: { ...RULES.tables, users: { ...RULES.tables.users, mobile: { kind: "null" as const } }, customers: { email: { kind: "fake-email" as const } } },
    };
    const result = await runAsRoot(snapshotRefreshScript({ ...script(), masking }));
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/ {2}users\.mobile: a rule names this column, which the export does not have/);
    expect(result.stderr).toMatch(/ {2}customers: a rule names this table, which the export does not have/);
    expect((await databaseFingerprint(mariadb(), databaseOf("restant-snapshot"))).sha256).toBe(before.sha256);
  });

  it("leaves the snapshot untouched when the export fails", async () => {
    const before = await databaseFingerprint(mariadb(), databaseOf("restant-snapshot"));
    const result = await runAsRoot(snapshotRefreshScript({ ...script(), source: "restant-gone" }));
    expect(result.code).not.toBe(0);
    expect(await sideDatabases()).toEqual([]);
    expect((await databaseFingerprint(mariadb(), databaseOf("restant-snapshot"))).sha256).toBe(before.sha256);
  });
});
