import { spawn } from "node:child_process";
import type * as pulumi from "@pulumi/pulumi";
import { mysqlServiceProvider } from "../components/dokku/mysql";
import { redisSlotProvider } from "../components/dokku/redis";
import { testMariaDb, runSql, type MariaDbServer } from "../test/doubles/dokku/services/mariadb";
import { CommandLog } from "../test/doubles/dokku/state/command-log";
import { StateStore } from "../test/doubles/dokku/state/store";
import { type DokkuServer, startDokkuServer } from "../test/support/dokku-server";
import { asPulumiHostRunsIt } from "../test/support/serialized-provider";
import { databaseBytes, loadSnapshot } from "../test/support/snapshot-data";

/**
 * The data parts of an environment on real MariaDB and Redis behind the Dokku double over SSH:
 * - the preview database clone of the generated snapshot: clone time and MB/s, the time verification adds (target
 *   ≤ 20% of the clone), and a plain `mysqldump | mysql` of the same data as the reference;
 * - Redis slot claims: latency of 20 claims made at once, each its own provider operation and SSH connection.
 *
 *   npm run bench   (or: npm run build && bash test/services/start.sh node build/bench/data.js)
 */

const MB = 1024 * 1024;
type Provider = Required<pulumi.dynamic.ResourceProvider>;

function server(): MariaDbServer {
  const found = testMariaDb();
  if (!found) throw new Error("run through test/services/start.sh (npm run bench)");
  return found;
}

async function operator(dokku: DokkuServer, ...args: string[]): Promise<void> {
  const result = await dokku.operator(args);
  if (result.code !== 0) throw new Error(`dokku ${args.join(" ")} exited ${result.code}: ${result.stderr}`);
}

/** `mysqldump <from> | mysql <to>` with the flags dokku-mysql's export uses; resolves with the dump's bytes. */
function plainDumpAndLoad(db: MariaDbServer, from: string, to: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const auth = `--defaults-extra-file=${db.defaultsFile}`;
    const dump = spawn("mysqldump", [auth, "--default-character-set=utf8mb4", "--single-transaction", "--no-tablespaces", "--quick", from], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    const load = spawn("mysql", [auth, to], { stdio: ["pipe", "ignore", "inherit"] });
    let bytes = 0;
    dump.stdout.on("data", (chunk: Buffer) => (bytes += chunk.length));
    dump.stdout.pipe(load.stdin);
    let pending = 2;
    const done = (code: number | null) => {
      if (code !== 0) reject(new Error(`mysqldump | mysql failed (${code})`));
      else if (--pending === 0) resolve(bytes);
    };
    dump.once("close", done);
    load.once("close", done);
  });
}

const seconds = (ms: number) => (ms / 1000).toFixed(2);

export async function benchDatabaseClone(print: (line: string) => void): Promise<boolean> {
  const dokku = await startDokkuServer();
  process.env.DOKKU_SSH_PRIVATE_KEY = dokku.privateKey;
  try {
    const db = server();
    const { provider } = (await asPulumiHostRunsIt(mysqlServiceProvider)) as { provider: Provider };
    await operator(dokku, "mysql:create", "restant-snapshot");
    await operator(dokku, "apps:create", "restant-pr-1");
    const databaseOf = (service: string) => new StateStore(dokku.stateDir).read().mysql[service]!.database;
    await loadSnapshot(db, databaseOf("restant-snapshot"));
    const dataBytes = await databaseBytes(db, databaseOf("restant-snapshot"));

    // Reference: the plain pipe into a fresh database on the same server.
    await runSql(db, "CREATE DATABASE bench_plain_reference CHARACTER SET utf8mb4;");
    let started = Date.now();
    const dumpBytes = await plainDumpAndLoad(db, databaseOf("restant-snapshot"), "bench_plain_reference");
    const plainMs = Date.now() - started;
    await runSql(db, "DROP DATABASE bench_plain_reference;");

    const target = { host: dokku.host, port: dokku.port, user: "dokku" as const, hostKey: dokku.hostKey };
    started = Date.now();
    await provider.create({ version: 1, target, service: "restant-pr-1", app: "restant-pr-1", cloneFrom: "restant-snapshot" });
    const createMs = Date.now() - started;
    // The clone's own part: the double's log times mysql:clone; the rest of create is verification and the link.
    const timed = readTimings(dokku.stateDir);
    const cloneMs = timed["mysql:clone"] ?? 0;
    const verifyMs = timed["mysql:connect"] ?? 0;
    const ratio = verifyMs / cloneMs;

    print(`snapshot: ${(dataBytes / MB).toFixed(1)} MB of tables and indexes, ${(dumpBytes / MB).toFixed(1)} MB as a dump, 13 tables and views`);
    print(`plain mysqldump | mysql (reference): ${seconds(plainMs)} s, ${(dumpBytes / MB / (plainMs / 1000)).toFixed(1)} MB/s of dump`);
    print(`mysql:clone over SSH:                ${seconds(cloneMs)} s, ${(dumpBytes / MB / (cloneMs / 1000)).toFixed(1)} MB/s of dump`);
    print(`verification (both inventories, in parallel): ${seconds(verifyMs)} s = ${(ratio * 100).toFixed(1)}% of the clone (target ≤ 20%)`);
    print(`whole create (exists check, clone, verify, link): ${seconds(createMs)} s`);
    return ratio <= 0.2;
  } finally {
    delete process.env.DOKKU_SSH_PRIVATE_KEY;
    await dokku.stop();
  }
}

/** Wall time per subcommand from the double's command log: the longest run of each (verification runs two at once). */
function readTimings(stateDir: string): Record<string, number> {
  const timings: Record<string, number> = {};
  for (const entry of new CommandLog(stateDir).all()) {
    const name = entry.argv[0] ?? "";
    timings[name] = Math.max(timings[name] ?? 0, entry.durationMs);
  }
  return timings;
}

export async function benchRedisSlotClaims(print: (line: string) => void): Promise<boolean> {
  const dokku = await startDokkuServer();
  process.env.DOKKU_SSH_PRIVATE_KEY = dokku.privateKey;
  try {
    const { provider } = (await asPulumiHostRunsIt(redisSlotProvider)) as { provider: Provider };
    await operator(dokku, "redis:create", "restant-shared");
    const target = { host: dokku.host, port: dokku.port, user: "dokku" as const, hostKey: dokku.hostKey };
    const registry = `restant:bench-slots:${process.pid}`;
    const claim = async (i: number) => {
      const started = Date.now();
      const result = await provider.create({ version: 1, target, service: "restant-shared", registry, holder: `pr-${i}`, range: { first: 3, last: 31 } });
      return { ms: Date.now() - started, result };
    };
    const single = await claim(0);
    await provider.delete(single.result.id, single.result.outs);
    const started = Date.now();
    const claims = await Promise.all(Array.from({ length: 20 }, (_, i) => claim(i + 1)));
    const wallMs = Date.now() - started;
    const latencies = claims.map((c) => c.ms).sort((a, b) => a - b);
    const distinct = new Set(claims.map((c) => c.result.outs.slot)).size;
    print(`one claim alone: ${single.ms} ms (SSH connect, redis:connect, one EVAL)`);
    print(
      `20 concurrent claims: ${distinct} distinct slots in ${wallMs} ms; latency p50 ${latencies[9]} ms, p95 ${latencies[18]} ms, max ${latencies[19]} ms`,
    );
    await Promise.all(claims.map((c) => provider.delete(c.result.id, c.result.outs)));
    return distinct === 20;
  } finally {
    delete process.env.DOKKU_SSH_PRIVATE_KEY;
    await dokku.stop();
  }
}

if (require.main === module) {
  (async () => {
    const ok = [await benchDatabaseClone(console.log), await benchRedisSlotClaims(console.log)];
    process.exitCode = ok.every(Boolean) ? 0 : 1;
  })().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
