import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import type * as pulumi from "@pulumi/pulumi";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requireBuilt } from "../support/built";
import { type DokkuServer, startDokkuServer } from "../support/dokku-server";
import { startForgeDouble } from "../doubles/forge/server";
import { startExtraRedis } from "../support/redis-server";

// A preview's data on a Forge server, driven through the serialized providers over real SSH as the `forge` user:
// the snapshot copied with mysqldump into a database Forge made, proven identical on real MariaDB, emptied on delete;
// a Redis slot claimed with the Lua claim through redis-cli on real Redis, flushed and freed on delete.

type Harness = typeof import("../support/serialized-provider");
type Steps = typeof import("../support/provider-steps");
type CloneModule = typeof import("../../components/forge/database-clone-provider");
type SlotModule = typeof import("../../components/forge/redis-slot-provider");
type Snapshot = typeof import("../support/snapshot-data");
type Client = typeof import("../../components/dokku/client");
type Inventory = typeof import("../../scripts/lifecycle/forge-server-inventory");
type ForgeApi = typeof import("../../components/forge/client");
type Retry = typeof import("../../components/http/retry-policy");
type MariaDb = typeof import("../doubles/dokku/services/mariadb");

const { asPulumiHostRunsIt } = requireBuilt<Harness>("test/support/serialized-provider.ts");
const { up, refresh, destroy } = requireBuilt<Steps>("test/support/provider-steps.ts");
const { ForgeDatabaseCloneProvider } = requireBuilt<CloneModule>("components/forge/database-clone-provider.ts");
const { ForgeRedisSlotProvider } = requireBuilt<SlotModule>("components/forge/redis-slot-provider.ts");
const { loadSnapshot, databaseFingerprint } = requireBuilt<Snapshot>("test/support/snapshot-data.ts");
const { withForgeServerSession } = requireBuilt<Client>("components/dokku/client/index.ts");
const { ForgeServerInventory } = requireBuilt<Inventory>("scripts/lifecycle/forge-server-inventory.ts");
const { ForgeClient } = requireBuilt<ForgeApi>("components/forge/client.ts");
const { DEFAULT_RETRY_POLICY } = requireBuilt<Retry>("components/http/retry-policy.ts");
const { testMariaDb, runSql } = requireBuilt<MariaDb>("test/doubles/dokku/services/mariadb.ts");

/** Names of this run only (each run has its own MariaDB, but files of one run share it). */
const SNAPSHOT = `restant_snapshot_forge_${process.pid}`;
const PREVIEW = `restant_pr_${process.pid}1`;
const OTHER_PREVIEW = `restant_pr_${process.pid}2`;
const TAKEN_AT = "2026-11-22T03:17:02Z";

let server: DokkuServer;
let clones: pulumi.dynamic.ResourceProvider;
let slots: pulumi.dynamic.ResourceProvider;
const mariadb = () => {
  const found = testMariaDb();
  if (!found) throw new Error("run through test/services/start.sh");
  return found;
};
const sql = (text: string) => runSql(mariadb(), text);
/** What Forge's API does for the preview: an empty utf8mb4 database, and its user granted on it. */
const forgeMakesDatabase = async (name: string) => {
  await sql(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;`);
  await sql(`CREATE USER IF NOT EXISTS '${name}'@'%' IDENTIFIED BY 'preview-secret'; GRANT ALL ON \`${name}\`.* TO '${name}'@'%';`);
};
const tablesOf = async (name: string) =>
  (await sql(`SELECT table_name FROM information_schema.tables WHERE table_schema = '${name}' ORDER BY table_name;`)).split("\n").filter((l) => l !== "");
const target = () => ({ host: server.host, port: server.port, user: "forge" as const, hostKey: server.hostKey });
const cloneInputs = (database: string, databaseId = "41") => ({ version: 1, target: target(), database, databaseId, snapshot: SNAPSHOT });
const redisPort = () => Number(process.env.RESTANT_TEST_REDIS_PORT);
const slotInputs = (registry: string, holder: string, first: number, last: number) => ({ version: 1, target: target(), redisPort: redisPort(), registry, holder, range: { first, last } });
/** redis-cli straight at the test Redis, as a check independent of the providers. */
const redis = (...args: string[]): string =>
  execFileSync("redis-cli", ["-h", "127.0.0.1", "-p", String(redisPort()), ...args], {
    encoding: "utf8",
    env: { ...process.env, REDISCLI_AUTH: readFileSync(process.env.RESTANT_TEST_REDIS_PASSWORD_FILE ?? "", "utf8").trim() },
  }).trim();
let registryCount = 0;
const newRegistry = () => `restant:forge-test-slots:${process.pid}:${++registryCount}`;

beforeAll(async () => {
  server = await startDokkuServer({ forgeUser: true });
  process.env.FORGE_SSH_PRIVATE_KEY = server.privateKey;
  ({ provider: clones } = await asPulumiHostRunsIt(new ForgeDatabaseCloneProvider()));
  ({ provider: slots } = await asPulumiHostRunsIt(new ForgeRedisSlotProvider()));
  await sql(`CREATE DATABASE \`${SNAPSHOT}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;`);
  await loadSnapshot(mariadb(), SNAPSHOT, 0.05);
  // What the weekly refresh writes into the masked snapshot (docs/snapshot.md).
  await sql(`USE \`${SNAPSHOT}\`; CREATE TABLE restant_snapshot_info (taken_at CHAR(20) NOT NULL); INSERT INTO restant_snapshot_info VALUES ('${TAKEN_AT}');`);
}, 300_000);

afterAll(async () => {
  delete process.env.FORGE_SSH_PRIVATE_KEY;
  for (const name of [SNAPSHOT, PREVIEW, OTHER_PREVIEW]) await sql(`DROP DATABASE IF EXISTS \`${name}\`;`).catch(() => undefined);
  await server?.stop();
});

describe("the SSH client as Forge's forge user", () => {
  it("runs the program the arguments name, each argument arriving verbatim, and a failure names the program", async () => {
    const words = ["it's", "$HOME", "a b", "line\nbreak", "`id`", "-n", "*"];
    const out = await withForgeServerSession(target(), (shell) => shell.run(["printf", "%s|", ...words]));
    expect(out.stdout).toBe(words.map((w) => `${w}|`).join(""));
    await expect(withForgeServerSession(target(), (shell) => shell.run(["ls", "/no/such/dir"]))).rejects.toThrow(/^ls failed \(exit 2\): .*No such file/);
  });
});

describe("ForgeDatabaseClone (serialized provider, over SSH as forge, on real MariaDB)", () => {
  it("fills the preview's database from the snapshot, proves it identical, reports its age, and empties it on delete", async () => {
    await forgeMakesDatabase(PREVIEW);
    const created = await up(clones, undefined, cloneInputs(PREVIEW));
    const outs = created.outs as { tables: number; rows: number; snapshotTakenAt?: string; source: string };
    expect(outs.source).toBe("copy");
    expect(outs.snapshotTakenAt).toBe(TAKEN_AT);
    expect(outs.tables).toBe((await tablesOf(SNAPSHOT)).length);
    expect(outs.rows).toBeGreaterThan(1000);
    // Byte for byte: every definition and row, the view included (a view pointing at the snapshot would differ).
    expect((await databaseFingerprint(mariadb(), PREVIEW)).sha256).toBe((await databaseFingerprint(mariadb(), SNAPSHOT)).sha256);
    expect(await sql(`SHOW CREATE VIEW \`${PREVIEW}\`.paid_orders;`)).not.toContain(SNAPSHOT);
    // The app's user reads its copy.
    expect(await sql(`SELECT COUNT(*) FROM \`${PREVIEW}\`.users;`)).toMatch(/^\d+/);

    // A no-op up writes nothing; a refresh finds it.
    expect(await up(clones, created, cloneInputs(PREVIEW))).toBe(created);
    expect((await refresh(clones, created))?.id).toBe(created.id);

    await destroy(clones, created, { retainOnDelete: false });
    expect(await tablesOf(PREVIEW)).toEqual([]);
    // Emptied, not dropped: Forge's API drops it (ForgeDatabase), and its user keeps the grant until then.
    expect(await sql(`SHOW GRANTS FOR '${PREVIEW}'@'%';`)).toContain(`\`${PREVIEW}\``);
    // The snapshot is untouched.
    expect(await tablesOf(SNAPSHOT)).toContain("users");
    await destroy(clones, created, { retainOnDelete: false });

    await sql(`DROP DATABASE \`${PREVIEW}\`;`);
    expect(await refresh(clones, created)).toBeUndefined();
  }, 120_000);

  it("refuses a database that already holds tables, and leaves it as it was", async () => {
    await forgeMakesDatabase(OTHER_PREVIEW);
    await sql(`CREATE TABLE \`${OTHER_PREVIEW}\`.keep_me (id INT PRIMARY KEY); INSERT INTO \`${OTHER_PREVIEW}\`.keep_me VALUES (1);`);
    await expect(up(clones, undefined, cloneInputs(OTHER_PREVIEW))).rejects.toThrow(
      new RegExp(`the database ${OTHER_PREVIEW} already holds 1 table\\(s\\), so it cannot be made a fresh copy of ${SNAPSHOT}`),
    );
    expect(await sql(`SELECT COUNT(*) FROM \`${OTHER_PREVIEW}\`.keep_me;`)).toBe("1\n");
    await sql(`DROP DATABASE \`${OTHER_PREVIEW}\`;`);
  });

  it("fails when the copy fails half-way, saying why, and empties the database again", async () => {
    await forgeMakesDatabase(OTHER_PREVIEW);
    // A snapshot mysqldump cannot export whole: its tables dump, then a view whose table is gone stops it.
    const broken = `${SNAPSHOT}_broken`;
    await sql(`CREATE DATABASE \`${broken}\`; USE \`${broken}\`; CREATE TABLE a_table (id INT PRIMARY KEY); INSERT INTO a_table VALUES (1), (2);
      CREATE TABLE gone (id INT); CREATE VIEW z_view AS SELECT id FROM gone; DROP TABLE gone;
      CREATE TABLE restant_snapshot_info (taken_at CHAR(20) NOT NULL); INSERT INTO restant_snapshot_info VALUES ('${TAKEN_AT}');`);
    await expect(up(clones, undefined, { ...cloneInputs(OTHER_PREVIEW), snapshot: broken })).rejects.toThrow(/bash failed \(exit \d+\): .*z_view/);
    expect(await tablesOf(OTHER_PREVIEW)).toEqual([]);
    // No snapshot at all is said plainly, with the key that names it.
    await expect(up(clones, undefined, { ...cloneInputs(OTHER_PREVIEW), snapshot: `${SNAPSHOT}_none` })).rejects.toThrow(
      new RegExp(`the Forge server has no snapshot database ${SNAPSHOT}_none to copy \\(restant:database\\.snapshotService, with _ for -\\)`),
    );
    await sql(`DROP DATABASE \`${OTHER_PREVIEW}\`; DROP DATABASE \`${broken}\`;`);
  });

  it("refuses a snapshot the masking refresh did not write (no restant_snapshot_info), before copying anything", async () => {
    await forgeMakesDatabase(OTHER_PREVIEW);
    // Loaded straight from production, say: the data is there, the refresh's record of its masking is not.
    const unmasked = `${SNAPSHOT}_unmasked`;
    await sql(`CREATE DATABASE \`${unmasked}\`; USE \`${unmasked}\`; CREATE TABLE users (id INT PRIMARY KEY, email VARCHAR(99)); INSERT INTO users VALUES (1, 'guest@restaurant.test');`);
    await expect(up(clones, undefined, { ...cloneInputs(OTHER_PREVIEW), snapshot: unmasked })).rejects.toThrow(
      new RegExp(
        `the snapshot database ${unmasked} records no time its data was taken \\(table restant_snapshot_info\\), which only the masking refresh writes: .*not copied.*` +
          "load a masked snapshot there \\(docs/forge\\.md, \"Where the snapshot comes from\"",
      ),
    );
    expect(await tablesOf(OTHER_PREVIEW)).toEqual([]);
    // The table there but holding no time is refused the same way.
    await sql(`USE \`${unmasked}\`; CREATE TABLE restant_snapshot_info (taken_at CHAR(20) NOT NULL);`);
    await expect(up(clones, undefined, { ...cloneInputs(OTHER_PREVIEW), snapshot: unmasked })).rejects.toThrow(/records no time its data was taken/);
    expect(await tablesOf(OTHER_PREVIEW)).toEqual([]);
    await sql(`DROP DATABASE \`${OTHER_PREVIEW}\`; DROP DATABASE \`${unmasked}\`;`);
  });

  it("says to check the forge user's ~/.my.cnf when MySQL refuses its login (ERROR 1045), copying nothing", async () => {
    await forgeMakesDatabase(OTHER_PREVIEW);
    const optionFile = server.forgeMysqlOptionFile!;
    const good = readFileSync(optionFile, "utf8");
    // A password changed in MySQL but not in the option file, as after a rotation on the server.
    writeFileSync(optionFile, `${good.replace(/^password\s*=.*$/m, "")}\npassword=not-the-password\n`);
    try {
      const refused = (await up(clones, undefined, cloneInputs(OTHER_PREVIEW)).then(
        () => new Error("the copy was made"),
        (error: unknown) => error as Error,
      ));
      expect(refused.message).toMatch(/ERROR 1045 .*Access denied for user/);
      expect(refused.message).toMatch(/MySQL refused the forge user's login on the previews' server: check the forge user's ~\/\.my\.cnf \(docs\/forge\.md\)/);
      expect(refused.message).not.toContain("not-the-password");
    } finally {
      writeFileSync(optionFile, good);
    }
    expect(await tablesOf(OTHER_PREVIEW)).toEqual([]);
    await sql(`DROP DATABASE \`${OTHER_PREVIEW}\`;`);
  });

  it("refuses to fill or empty anything but a preview's database, before any command runs", async () => {
    const checked = await clones.check!(cloneInputs("restant_main"), cloneInputs("restant_main"));
    expect(checked.failures).toEqual([expect.objectContaining({ property: "database", reason: expect.stringMatching(/must be a preview's database/) })]);
    await expect(clones.delete!("x", { ...cloneInputs("restant_main"), tables: 1, rows: 1, source: "copy" })).rejects.toThrow(/refusing to empty restant_main/);
  });
});

describe("ForgeRedisSlot (serialized provider, over SSH as forge, redis-cli on real Redis)", () => {
  it("gives 20 concurrent claims 20 distinct slots, and frees them all", async () => {
    const registry = newRegistry();
    const holders = Array.from({ length: 20 }, (_, i) => `pr-${200 + i}`);
    const created = await Promise.all(holders.map((holder) => slots.create!(slotInputs(registry, holder, 30, 49))));
    const taken = created.map((c) => c.outs.slot as number);
    expect(new Set(taken).size).toBe(20);
    for (const c of created) expect(redis("HGET", registry, String(c.outs.slot))).toBe(c.outs.holder);
    await Promise.all(created.map((c) => slots.delete!(c.id, c.outs)));
    expect(redis("HLEN", registry)).toBe("0");
  });

  it("flushes the slot on delete and leaves every other database alone; a lost slot reads as gone", async () => {
    const registry = newRegistry();
    const created = await up(slots, undefined, slotInputs(registry, "pr-5", 50, 51));
    const slot = String((created.outs as { slot: number }).slot);
    redis("-n", slot, "SET", "restant:pr-5:cache", "x");
    redis("-n", "52", "SET", "other", "keep");
    expect(await up(slots, created, slotInputs(registry, "pr-5", 50, 51))).toBe(created);
    expect((await refresh(slots, created))?.id).toBe(created.id);

    await destroy(slots, created, { retainOnDelete: false });
    expect(redis("-n", slot, "DBSIZE")).toBe("0");
    expect(redis("HEXISTS", registry, slot)).toBe("0");
    expect(redis("-n", "52", "GET", "other")).toBe("keep");
    expect(await refresh(slots, created)).toBeUndefined();
    redis("-n", "52", "DEL", "other");
  });

  it("fails a claim on a full range, naming who holds each slot", async () => {
    const registry = newRegistry();
    const first = await slots.create!(slotInputs(registry, "pr-1", 53, 53));
    await expect(slots.create!(slotInputs(registry, "pr-2", 53, 53))).rejects.toThrow(/no free Redis slot for pr-2: every slot in the range 53-53 is taken \(53: pr-1\)/);
    await slots.delete!(first.id, first.outs);
  });
});

describe("ForgeRedisSlot's range against the Redis's databases (redis.conf's databases line)", () => {
  it("refuses a range reaching past the test Redis's databases before handing out any slot, and takes one below", async () => {
    const databases = Number(process.env.RESTANT_TEST_REDIS_DATABASES);
    expect(Number.isInteger(databases)).toBe(true);
    const registry = newRegistry();
    await expect(slots.create!(slotInputs(registry, "pr-8", databases - 2, databases))).rejects.toThrow(
      new RegExp(`restant:redis\\.claimRange ends at ${databases}, but 127\\.0\\.0\\.1's Redis has ${databases} databases \\(0-${databases - 1}, redis\\.conf's "databases ${databases}" line\\)`),
    );
    expect(redis("HLEN", registry)).toBe("0");
    const below = await slots.create!(slotInputs(registry, "pr-8", databases - 2, databases - 1));
    expect(redis("HGET", registry, String(below.outs.slot))).toBe("pr-8");
    await slots.delete!(below.id, below.outs);
  });

  it("on Forge's stock Redis (databases 16) refuses the default range 1-31, and says so when CONFIG is denied", async () => {
    const stock = await startExtraRedis({ databases: 16 });
    try {
      const registry = newRegistry();
      const on = (first: number, last: number) => ({ ...slotInputs(registry, "pr-9", first, last), redisPort: stock.port });
      await expect(slots.create!(on(1, 31))).rejects.toThrow(
        /restant:redis\.claimRange ends at 31, but 127\.0\.0\.1's Redis has 16 databases \(0-15, redis\.conf's "databases 16" line\).*Set restant:redis\.claimRange\.last to at most 15/,
      );
      expect(stock.cli("HLEN", registry)).toBe("0");
      const fits = await slots.create!(on(1, 15));
      expect(stock.cli("HGET", registry, String(fits.outs.slot))).toBe("pr-9");
      await slots.delete!(fits.id, fits.outs);
      expect(stock.cli("HLEN", registry)).toBe("0");

      // A server whose Redis refuses CONFIG to this connection: the claim is refused, saying why.
      stock.cli("ACL", "SETUSER", "default", "-config");
      await expect(slots.create!(on(1, 15))).rejects.toThrow(
        /could not read how many databases 127\.0\.0\.1's Redis has, which restant:redis\.claimRange must stay below: CONFIG GET databases answered "NOPERM.*CONFIG is renamed or disabled there/,
      );
      expect(stock.cli("HLEN", registry)).toBe("0");
    } finally {
      await stock.stop();
    }
  });
});

describe("the reaper's inventory of the previews' Forge server", () => {
  it("lists the slots previews hold on its Redis, and removing one flushes and frees it; others' slots are not its to remove", async () => {
    const registry = newRegistry();
    const double = await startForgeDouble({ asyncMs: 1 });
    try {
      const client = new ForgeClient({ apiUrl: double.url, token: double.token }, DEFAULT_RETRY_POLICY, { organization: double.organization, serverId: double.serverId });
      const inventory = new ForgeServerInventory(client, { target: target(), redisPort: redisPort(), registry, range: { first: 40, last: 44 } });
      const preview = await slots.create!(slotInputs(registry, "pr-31", 40, 44));
      const branch = await slots.create!(slotInputs(registry, "feature-x-1a2b3c4d", 40, 44));
      const slot = String(preview.outs.slot);
      redis("-n", slot, "SET", "restant:pr-31:cache", "x");

      const listed = await inventory.list();
      expect(listed).toEqual([{ kind: "redis-slot", name: slot, slug: "pr-31" }]);
      await inventory.remove(listed[0]!);
      expect(redis("HEXISTS", registry, slot)).toBe("0");
      expect(redis("-n", slot, "DBSIZE")).toBe("0");
      expect(await inventory.list()).toEqual([]);
      await expect(inventory.remove({ kind: "redis-slot", name: String(branch.outs.slot), slug: "feature-x-1a2b3c4d" })).rejects.toThrow(/is not preview feature-x-1a2b3c4d's: not removed/);
      // A preview naming a slot someone else holds: the release script frees nothing.
      await inventory.remove({ kind: "redis-slot", name: String(branch.outs.slot), slug: "pr-32" });
      expect(redis("HGET", registry, String(branch.outs.slot))).toBe("feature-x-1a2b3c4d");
      await slots.delete!(branch.id, branch.outs);
    } finally {
      await double.stop();
    }
  });
});
