import type * as pulumi from "@pulumi/pulumi";
import { withForgeServerSession } from "../components/dokku/client/target-session";
import { SNAPSHOT_TIME_TABLE } from "../components/dokku/mysql/snapshot-time";
import { inventoryOn } from "../components/forge/server/mysql-on-server";
import { ForgeDatabaseCloneProvider } from "../components/forge/database-clone-provider";
import { ForgeRedisSlotProvider } from "../components/forge/redis-slot-provider";
import { runSql, testMariaDb } from "../test/doubles/dokku/services/mariadb";
import { startDokkuServer } from "../test/support/dokku-server";
import { asPulumiHostRunsIt } from "../test/support/serialized-provider";
import { databaseBytes, loadSnapshot } from "../test/support/snapshot-data";

/**
 * A preview's data on Forge, on real MariaDB and Redis over real SSH as the `forge` user (the serialized providers,
 * as `pulumi up` creates them): the generated snapshot (scale 1) copied into a preview's database and verified, the
 * verification's share of it, and 20 Redis slot claims at once. No target: the figures say what a Forge preview's data
 * costs beside the Dokku clone (bench/data.ts).
 *
 *   npm run bench   (or: npm run build && bash test/services/start.sh node build/bench/forge-preview-data.js)
 */

type Provider = Required<pulumi.dynamic.ResourceProvider>;
const SNAPSHOT = "bench_forge_snapshot";
const PREVIEW = "restant_pr_9901";
const MB = 1024 * 1024;
const seconds = (ms: number) => (ms / 1000).toFixed(2);

export async function benchForgePreviewData(print: (line: string) => void): Promise<boolean> {
  const db = testMariaDb();
  if (!db) throw new Error("no test MariaDB: run through test/services/start.sh");
  const server = await startDokkuServer({ forgeUser: true });
  process.env.FORGE_SSH_PRIVATE_KEY = server.privateKey;
  try {
    const target = { host: server.host, port: server.port, user: "forge" as const, hostKey: server.hostKey };
    await runSql(db, `CREATE DATABASE ${SNAPSHOT} CHARACTER SET utf8mb4; CREATE DATABASE ${PREVIEW} CHARACTER SET utf8mb4;`);
    await loadSnapshot(db, SNAPSHOT);
    // What the masking refresh writes into the snapshot: the copy refuses a snapshot without it.
    await runSql(db, `CREATE TABLE ${SNAPSHOT}.${SNAPSHOT_TIME_TABLE} (taken_at CHAR(20) NOT NULL); INSERT INTO ${SNAPSHOT}.${SNAPSHOT_TIME_TABLE} VALUES ('2026-11-22T03:17:02Z');`);
    const bytes = await databaseBytes(db, SNAPSHOT);
    const { provider: clones } = (await asPulumiHostRunsIt(new ForgeDatabaseCloneProvider())) as { provider: Provider };
    let started = Date.now();
    const copy = await clones.create({ version: 1, target, database: PREVIEW, databaseId: "1", snapshot: SNAPSHOT });
    const copyMs = Date.now() - started;
    // The proof alone, as the copy runs it (both inventories at once): read the two again.
    started = Date.now();
    await withForgeServerSession(target, (shell) => Promise.all([inventoryOn(shell, SNAPSHOT), inventoryOn(shell, PREVIEW)]));
    const verifyMs = Date.now() - started;
    started = Date.now();
    await clones.delete(copy.id, copy.outs);
    const emptyMs = Date.now() - started;

    const { provider: slots } = (await asPulumiHostRunsIt(new ForgeRedisSlotProvider())) as { provider: Provider };
    const registry = `restant:bench-forge-slots:${process.pid}`;
    const claim = (i: number) => slots.create({ version: 1, target, redisPort: Number(process.env.RESTANT_TEST_REDIS_PORT), registry, holder: `pr-${i + 1}`, range: { first: 1, last: 31 } });
    const times: number[] = [];
    const claimed = await Promise.all(
      Array.from({ length: 20 }, async (_, i) => {
        const t0 = Date.now();
        const result = await claim(i);
        times.push(Date.now() - t0);
        return result;
      }),
    );
    times.sort((a, b) => a - b);
    const distinct = new Set(claimed.map((c) => (c.outs as { slot: number }).slot)).size;
    await Promise.all(claimed.map((c) => slots.delete(c.id, c.outs)));

    print(`snapshot: ${(bytes / MB).toFixed(1)} MB of tables and indexes`);
    print(`copy into the preview's database over SSH (mysqldump | mysql, then the proof): ${seconds(copyMs)} s, ${(bytes / MB / (copyMs / 1000)).toFixed(1)} MB/s of tables`);
    print(`the proof alone (both inventories at once): ${seconds(verifyMs)} s = ${((verifyMs / copyMs) * 100).toFixed(1)}% of the copy`);
    print(`delete (emptying the database): ${seconds(emptyMs)} s`);
    print(`20 Redis slot claims at once over SSH: ${distinct} distinct slots; p50 ${seconds(times[9]!)} s, max ${seconds(times[19]!)} s`);
    return true;
  } finally {
    delete process.env.FORGE_SSH_PRIVATE_KEY;
    await runSql(db, `DROP DATABASE IF EXISTS ${SNAPSHOT}; DROP DATABASE IF EXISTS ${PREVIEW};`).catch(() => undefined);
    await server.stop();
  }
}

if (require.main === module) {
  benchForgePreviewData(console.log).then(
    (ok) => (process.exitCode = ok ? 0 : 1),
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
