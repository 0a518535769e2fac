import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import type * as pulumi from "@pulumi/pulumi";
import { openDokkuSession, withDokkuSession } from "../components/dokku/client";
import { mysqlServiceProvider } from "../components/dokku/mysql";
import { poolRefillScript } from "../components/dokku/server/server-scripts";
import { MYSQL_POOL_REGISTRY, poolMemberPattern, poolMemberPrefix } from "../infra/names";
import { testMariaDb } from "../test/doubles/dokku/services/mariadb";
import { StateStore } from "../test/doubles/dokku/state/store";
import { type DokkuServer, startDokkuServer } from "../test/support/dokku-server";
import { runAsRoot } from "../test/support/root-shell";
import { asPulumiHostRunsIt } from "../test/support/serialized-provider";
import { loadSnapshot } from "../test/support/snapshot-data";

/**
 * The warm pool on real MariaDB and Redis behind the Dokku double over SSH. Previews' database resources are created
 * as `pulumi up` creates them (each its own provider operation and SSH connection):
 *  1. one alone, on a full pool: its time and the commands it ran on the server;
 *  2. 20 at once on a pool of 20: all claim; p50, p95 and max, and whether the members are distinct;
 *  3. what a claim is made of, each 20 at once: an SSH connection alone, and one Dokku command on an open connection
 *     (the double starts a Node process per command, as real Dokku starts a bash one), so the figures of 2 can be read;
 *  4. 20 at once on a pool of 5: 5 distinct members, and the other 15 told the pool is empty and cloning directly.
 * Target: a claim ≤ 2 s over SSH; 20 concurrent claims get distinct members or a direct clone.
 *
 *   npm run bench   (or: npm run build && bash test/services/start.sh node build/bench/pool.js)
 */

type Provider = Required<pulumi.dynamic.ResourceProvider>;
const SNAPSHOT = "restant-snapshot";
const REDIS = "restant-previews";
const AT_ONCE = 20;
const SMALL_POOL = 5;
const TARGET_MS = 2000;

/** Milliseconds of each of `count` runs of `run` started together, sorted. */
async function together(count: number, run: (i: number) => Promise<unknown>): Promise<number[]> {
  const times = await Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const started = Date.now();
      await run(i);
      return Date.now() - started;
    }),
  );
  return times.sort((a, b) => a - b);
}

function quantiles(sorted: readonly number[]): string {
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
  return `p50 ${at(0.5)} ms, p95 ${at(0.95)} ms, max ${sorted[sorted.length - 1]} ms`;
}

export async function benchWarmPoolClaims(print: (line: string) => void): Promise<boolean> {
  const dokku = await startDokkuServer();
  const scratch = mkdtempSync(path.join(tmpdir(), "restant-pool-bench-"));
  process.env.DOKKU_SSH_PRIVATE_KEY = dokku.privateKey;
  try {
    const server = testMariaDb();
    if (!server) throw new Error("run through test/services/start.sh (npm run bench)");
    await operator(dokku, "redis:create", REDIS);
    await operator(dokku, "mysql:create", SNAPSHOT);
    await loadSnapshot(server, new StateStore(dokku.stateDir).read().mysql[SNAPSHOT]!.database, 0.02);
    const pool = { registry: MYSQL_POOL_REGISTRY, redisService: REDIS, memberPattern: poolMemberPattern(SNAPSHOT) };
    const refill = async (size: number) => {
      const options = { snapshot: SNAPSHOT, size, prefix: poolMemberPrefix(SNAPSHOT), ...pool, lockPath: path.join(scratch, "lock"), generationPath: path.join(scratch, "generation") };
      const run = await runAsRoot(dokku, poolRefillScript(options));
      if (run.code !== 0) throw new Error(`the refill failed: ${run.stderr}`);
    };

    const { provider } = (await asPulumiHostRunsIt(mysqlServiceProvider)) as { provider: Provider };
    const target = { host: dokku.host, port: dokku.port, user: "dokku" as const, hostKey: dokku.hostKey };
    const made: pulumi.dynamic.CreateResult[] = [];
    const create = async (pr: number) => {
      const started = Date.now();
      const result = await provider.create({ version: 3, target, service: `restant-pr-${pr}`, cloneFrom: SNAPSHOT, pool: { ...pool, holder: `pr-${pr}`, app: `restant-pr-${pr}` } });
      made.push(result);
      return { ms: Date.now() - started, source: result.outs.source as string, member: result.outs.serviceInUse as string };
    };

    // 1. One alone.
    await refill(AT_ONCE + 1);
    dokku.resetCounters();
    const single = await create(1);
    const commands = dokku.commands().map((c) => c.argv[0]);
    print(`one preview's database from the pool alone: ${single.ms} ms; one SSH connection, ${commands.length} commands (${commands.join(", ")})`);

    // 2. Twenty at once, all claiming.
    const claims = await Promise.all(Array.from({ length: AT_ONCE }, (_, i) => create(100 + i)));
    const claimTimes = claims.map((c) => c.ms).sort((a, b) => a - b);
    const distinct = new Set(claims.map((c) => c.member)).size;
    const allClaimed = claims.every((c) => c.source === "pool") && distinct === AT_ONCE;
    print(`${AT_ONCE} previews at once on a pool of ${AT_ONCE}: ${distinct} distinct members (${quantiles(claimTimes)})`);

    // 3. What one claim is made of, under the same 20 at once.
    const ssh = { ...target, privateKey: dokku.privateKey };
    const connects = await together(AT_ONCE, () => withDokkuSession(ssh, async () => undefined));
    const sessions = await Promise.all(Array.from({ length: AT_ONCE }, () => openDokkuSession(ssh)));
    const commandTimes = await together(AT_ONCE, (i) => sessions[i]!.run(["mysql:links", SNAPSHOT]));
    await Promise.all(sessions.map((session) => session.close()));
    print(`  of which, ${AT_ONCE} at once: an SSH connection (connect, authenticate, close) ${quantiles(connects)}; one Dokku command on an open connection ${quantiles(commandTimes)}`);
    const concurrentMet = claimTimes[claimTimes.length - 1]! <= TARGET_MS;
    print(`  ${AT_ONCE} at once within ${TARGET_MS} ms each: ${concurrentMet ? "met" : "missed"} on this machine (${AT_ONCE} claims × (a connection + ${commands.length} commands) share its cores)`);

    // 4. Twenty at once on a small pool: the rest fall back to a direct clone.
    await Promise.all(made.splice(0).map((m) => provider.delete(m.id, m.outs)));
    await refill(SMALL_POOL);
    const mixed = await Promise.all(Array.from({ length: AT_ONCE }, (_, i) => create(200 + i)));
    const pooled = mixed.filter((c) => c.source === "pool");
    const cloned = mixed.filter((c) => c.source === "clone");
    const mixedDistinct = new Set(pooled.map((c) => c.member)).size;
    print(
      `${AT_ONCE} previews at once on a pool of ${SMALL_POOL}: ${pooled.length} claimed ${mixedDistinct} distinct members (${quantiles(pooled.map((c) => c.ms).sort((a, b) => a - b))}), ` +
        `${cloned.length} found the pool empty and cloned directly (verified)`,
    );
    await Promise.all(made.splice(0).map((m) => provider.delete(m.id, m.outs)));

    const fallbackRight = pooled.length === SMALL_POOL && mixedDistinct === SMALL_POOL && cloned.length === AT_ONCE - SMALL_POOL;
    const ok = single.source === "pool" && single.ms <= TARGET_MS && allClaimed && fallbackRight;
    print(`target: a claim ≤ ${TARGET_MS} ms over SSH, ${AT_ONCE} concurrent claims distinct or a direct clone: ${ok ? "met" : "missed"}`);
    return ok;
  } finally {
    delete process.env.DOKKU_SSH_PRIVATE_KEY;
    await dokku.stop();
    rmSync(scratch, { recursive: true, force: true });
  }
}

async function operator(dokku: DokkuServer, ...args: string[]): Promise<void> {
  const result = await dokku.operator(args);
  if (result.code !== 0) throw new Error(`dokku ${args.join(" ")} exited ${result.code}: ${result.stderr}`);
}

if (require.main === module) {
  benchWarmPoolClaims(console.log).then(
    (ok) => (process.exitCode = ok ? 0 : 1),
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
