import { writeFileSync } from "node:fs";
import type * as pulumi from "@pulumi/pulumi";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requireBuilt } from "../support/built";
import type { DokkuServer } from "../support/dokku-server";
import { type SnapshotServer, startSnapshotServer } from "../support/snapshot-server";
import { type WarmPoolOnServer, warmPoolOn } from "../support/warm-pool";

type Pool = typeof import("../../components/dokku/mysql/pool-operations");
type Client = typeof import("../../components/dokku/client");
type WarmPool = import("../../components/dokku/mysql/pool-operations").WarmPool;
type Snapshot = typeof import("../support/snapshot-data");
type MariaDb = typeof import("../doubles/dokku/services/mariadb");
type Harness = typeof import("../support/serialized-provider");
type ServiceProvider = typeof import("../../components/dokku/mysql/mysql-service-provider");
type LinkProvider = typeof import("../../components/dokku/mysql/mysql-link-provider");
type SnapshotTime = typeof import("../../components/dokku/mysql/snapshot-time");
type RedisScript = typeof import("../../components/dokku/redis/redis-slot-script");

const { claimPoolMember } = requireBuilt<Pool>("components/dokku/mysql/pool-operations.ts");
const { withDokkuSession } = requireBuilt<Client>("components/dokku/client/index.ts");
const { loadSnapshot, databaseFingerprint } = requireBuilt<Snapshot>("test/support/snapshot-data.ts");
const { runSql } = requireBuilt<MariaDb>("test/doubles/dokku/services/mariadb.ts");
const { asPulumiHostRunsIt } = requireBuilt<Harness>("test/support/serialized-provider.ts");
const { mysqlServiceProvider } = requireBuilt<ServiceProvider>("components/dokku/mysql/mysql-service-provider.ts");
const { mysqlLinkProvider } = requireBuilt<LinkProvider>("components/dokku/mysql/mysql-link-provider.ts");
const { SNAPSHOT_TIME_TABLE } = requireBuilt<SnapshotTime>("components/dokku/mysql/snapshot-time.ts");
const { redisCliLine } = requireBuilt<RedisScript>("components/dokku/redis/redis-slot-script.ts");

const SNAPSHOT = "restant-snapshot";
const REDIS = "restant-previews";
/** When the snapshot's data was taken, as its refresh records it. */
const TAKEN_AT = "2026-11-22T03:17:02Z";

let at: SnapshotServer;
let warm: WarmPoolOnServer;
let server: DokkuServer;
let POOL: WarmPool;
const mariadb = () => at.mariadb();
const services = () => at.services();
const members = () => warm.memberServices();
const target = () => ({ host: server.host, port: server.port, user: "dokku" as const, hostKey: server.hostKey });
const ssh = () => ({ ...target(), privateKey: server.privateKey });
const registry = () => warm.registry();
const operator = (...args: string[]) => at.operator(...args);
const refill = (size: number) => warm.refill(size);

beforeAll(async () => {
  at = await startSnapshotServer([SNAPSHOT]);
  warm = await warmPoolOn(at, SNAPSHOT, REDIS);
  ({ server } = at);
  POOL = warm.pool;
  process.env.DOKKU_SSH_PRIVATE_KEY = server.privateKey;
  const database = at.databaseOf(SNAPSHOT);
  await loadSnapshot(mariadb(), database, 0.05);
  await runSql(mariadb(), `CREATE TABLE \`${database}\`.${SNAPSHOT_TIME_TABLE} (taken_at CHAR(20) NOT NULL); INSERT INTO \`${database}\`.${SNAPSHOT_TIME_TABLE} VALUES ('${TAKEN_AT}');`);
}, 120_000);

afterAll(async () => {
  delete process.env.DOKKU_SSH_PRIVATE_KEY;
  await at?.stop();
});

describe("the warm pool on the Dokku double (real MariaDB and Redis, refill run as root over SSH)", () => {
  it("fills the pool with verified clones of the snapshot, records them ready, and a second run adds nothing", async () => {
    const first = await refill(2);
    expect(first.code, first.stderr).toBe(0);
    expect(members()).toHaveLength(2);
    const snapshot = await databaseFingerprint(mariadb(), services()[SNAPSHOT]!.database);
    for (const member of members()) expect((await databaseFingerprint(mariadb(), services()[member]!.database)).sha256).toBe(snapshot.sha256);
    const records = await registry();
    expect(Object.keys(records).sort()).toEqual(members());
    expect(Object.values(records).map((r) => r.state)).toEqual(["ready", "ready"]);
    // The snapshot's time is recorded with each member, so a claim answers it without a query on the member.
    expect(Object.values(records).map((r) => r.takenAt)).toEqual([TAKEN_AT, TAKEN_AT]);

    const second = await refill(2);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toMatch(/2 of 2 ready/);
    expect(members()).toHaveLength(2);
  }, 120_000);

  it("gives 20 concurrent claims distinct members, and the rest an empty pool (fallback to a clone)", async () => {
    const refilled = await refill(5);
    expect(refilled.code, refilled.stderr).toBe(0);
    const ready = Object.entries(await registry()).filter(([, r]) => r.state === "ready").map(([name]) => name);
    expect(ready).toHaveLength(5);
    const claims = (
      await Promise.all(
        Array.from({ length: 20 }, (_, i) => withDokkuSession(ssh(), (dokku) => claimPoolMember(dokku, POOL, `pr-${100 + i}`, `restant-pr-${100 + i}`))),
      )
    ).map((claim) => claim?.member);
    const got = claims.filter((member): member is string => member !== undefined);
    expect(got).toHaveLength(5);
    expect(new Set(got).size).toBe(5);
    expect(got.sort()).toEqual(ready.sort());
    const records = await registry();
    for (const [i, member] of claims.entries()) {
      if (member !== undefined) expect(records[member]).toMatchObject({ state: "claimed", holder: `pr-${100 + i}` });
    }
    // A claim retried by the same holder (its first answer lost) gets the same member back, never a second one.
    const first = claims.findIndex((member) => member !== undefined);
    const again = await withDokkuSession(ssh(), (dokku) => claimPoolMember(dokku, POOL, `pr-${100 + first}`, `restant-pr-${100 + first}`));
    expect(again?.member).toBe(claims[first]);
  }, 240_000);

  it("retires ready members of an older snapshot generation but never a claimed one, and refills", async () => {
    const before = await registry();
    const claimed = Object.entries(before).filter(([, r]) => r.state === "claimed").map(([name]) => name);
    writeFileSync(at.generationPath, "20990101T000000Z\n");
    const run = await refill(1);
    expect(run.code, run.stderr).toBe(0);
    const after = await registry();
    for (const member of claimed) expect(after[member]).toMatchObject({ state: "claimed" });
    const fresh = Object.entries(after).filter(([, r]) => r.state === "ready");
    expect(fresh).toHaveLength(1);
    expect(fresh[0]![1].generation).toBe("20990101T000000Z");
    expect(members().sort()).toEqual(Object.keys(after).sort());
  }, 120_000);

  it("never makes a half-cloned member claimable: a truncated clone fails the run and the next run retires it", async () => {
    const readyBefore = Object.values(await registry()).filter((r) => r.state === "ready").length;
    server.injectFault({ kind: "truncate-clone", afterBytes: 20_000 });
    const failed = await refill(readyBefore + 1);
    server.clearFaults();
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(/differs from restant-snapshot/);
    const records = await registry();
    expect(Object.values(records).filter((r) => r.state === "ready")).toHaveLength(readyBefore);
    expect(Object.values(records).filter((r) => r.state === "filling")).toHaveLength(1);
    const next = await refill(readyBefore);
    expect(next.code, next.stderr).toBe(0);
    expect(next.stdout).toMatch(/retired /);
    expect(Object.values(await registry()).some((r) => r.state === "filling")).toBe(false);
  }, 120_000);

  it("a preview claims a member and its app sees the snapshot's data; destroying the preview destroys the member, never returns it", async () => {
    const { provider: databases } = (await asPulumiHostRunsIt(mysqlServiceProvider)) as { provider: Required<pulumi.dynamic.ResourceProvider> };
    const { provider: links } = (await asPulumiHostRunsIt(mysqlLinkProvider)) as { provider: Required<pulumi.dynamic.ResourceProvider> };
    const ready = Object.entries(await registry()).filter(([, r]) => r.state === "ready").map(([name]) => name).sort();
    expect(ready.length).toBeGreaterThan(0);
    await operator("apps:create", "restant-pr-7");
    const inputs = { version: 3, target: target(), service: "restant-pr-7", cloneFrom: SNAPSHOT, pool: { ...POOL, holder: "pr-7", app: "restant-pr-7" } };
    const database = await databases.create(inputs);
    expect(database.id).toBe(ready[0]);
    expect(database.outs).toMatchObject({ serviceInUse: ready[0], source: "pool", snapshotTakenAt: TAKEN_AT });
    expect(services()["restant-pr-7"]).toBeUndefined();
    const link = await links.create({ version: 1, target: target(), service: database.outs.serviceInUse, app: "restant-pr-7" });

    // The app's DATABASE_URL is the member's, and reading through it shows the snapshot's rows.
    const url = new URL((await operator("config:get", "restant-pr-7", "DATABASE_URL")).trim());
    expect(url.pathname.slice(1)).toBe(services()[ready[0]!]!.database);
    const count = async (database: string) => (await runSql(mariadb(), `SELECT COUNT(*) FROM \`${database}\`.users;`)).trim();
    expect(await count(url.pathname.slice(1))).toBe(await count(services()[SNAPSHOT]!.database));

    await links.delete(link.id, link.outs);
    await databases.delete(database.id, database.outs);
    expect(services()[ready[0]!]).toBeUndefined();
    expect((await registry())[ready[0]!]).toBeUndefined();
  }, 120_000);

  it("reads the snapshot time from the member itself when its record predates recorded times, and never shows a non-time", async () => {
    const refilled = await refill(Object.values(await registry()).filter((r) => r.state === "ready").length + 2);
    expect(refilled.code, refilled.stderr).toBe(0);
    const records = await registry();
    const [older, forged] = Object.keys(records).filter((name) => records[name]!.state === "ready").sort();
    const rewrite = async (member: string, takenAt: string | undefined) => {
      const record = JSON.stringify({ ...records[member], takenAt });
      const reply = await server.operator(["redis:connect", REDIS], `${redisCliLine(["HSET", POOL.registry, member, record])}\n`);
      expect(reply.code, reply.stderr).toBe(0);
    };
    await rewrite(older!, undefined);
    await rewrite(forged!, "<b>fresh</b>");
    const claim = (holder: string) => withDokkuSession(ssh(), (dokku) => claimPoolMember(dokku, POOL, holder, `restant-${holder}`));
    expect(await claim("pr-9")).toEqual({ member: older, snapshotTakenAt: TAKEN_AT });
    expect(await claim("pr-10")).toEqual({ member: forged, snapshotTakenAt: TAKEN_AT });
  }, 120_000);

  it("skips and forgets members the registry calls ready but that are gone or linked to another app, in the claim's own round trips", async () => {
    const readyNow = Object.values(await registry()).filter((r) => r.state === "ready").length;
    const refilled = await refill(readyNow + 3);
    expect(refilled.code, refilled.stderr).toBe(0);
    const records = await registry();
    const [gone, linked, good] = Object.keys(records).filter((name) => records[name]!.state === "ready").sort();
    await operator("mysql:destroy", gone!, "--force");
    await operator("apps:create", "restant-other");
    await operator("mysql:link", linked!, "restant-other", "--no-restart");
    server.resetCounters();
    const claim = await withDokkuSession(ssh(), (dokku) => claimPoolMember(dokku, POOL, "pr-11", "restant-pr-11"));
    expect(claim?.member).toBe(good);
    // Three claim scripts (each forgetting the member the last one gave) and three checks: no separate forget step.
    expect(server.commands().map((c) => c.argv[0])).toEqual(["redis:connect", "mysql:links", "redis:connect", "mysql:links", "redis:connect", "mysql:links"]);
    const after = await registry();
    expect(after[gone!]).toBeUndefined();
    expect(after[linked!]).toBeUndefined();
    expect(after[good!]).toMatchObject({ state: "claimed", holder: "pr-11" });
    // The linked one is some app's: the refill leaves it alone (it destroys only unlinked services it does not know).
    expect(services()[linked!]).toBeDefined();
    await operator("mysql:unlink", linked!, "restant-other", "--no-restart");
  }, 120_000);

  it("falls back to a verified direct clone when the pool is empty, and says so", async () => {
    for (const [member, record] of Object.entries(await registry())) {
      if (record.state === "ready") await withDokkuSession(ssh(), (dokku) => claimPoolMember(dokku, POOL, `drain-${member.slice(-4)}`, "restant-drain"));
    }
    const { provider: databases } = (await asPulumiHostRunsIt(mysqlServiceProvider)) as { provider: Required<pulumi.dynamic.ResourceProvider> };
    const inputs = { version: 3, target: target(), service: "restant-pr-8", cloneFrom: SNAPSHOT, pool: { ...POOL, holder: "pr-8", app: "restant-pr-8" } };
    const database = await databases.create(inputs);
    expect(database.id).toBe("restant-pr-8");
    expect(database.outs).toMatchObject({ serviceInUse: "restant-pr-8", source: "clone" });
    expect(database.outs.rows).toBeGreaterThan(0);
    await databases.delete(database.id, database.outs);
  }, 120_000);
});
