import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import type * as pulumi from "@pulumi/pulumi";
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
 * The warm pool on real MariaDB and Redis behind the Dokku double over SSH: the refill job fills 5 members (verified
 * clones of the generated snapshot), then 20 previews' database resources are created at once, each its own provider
 * operation and SSH connection, as 20 `pulumi up`s would: 5 get distinct members, 15 fall back to a direct clone.
 * Prints one claim's time alone and the claims' latencies under the 20 at once. Target: a claim ≤ 2 s over SSH; 20
 * concurrent claims give distinct members or a clone.
 *
 *   npm run bench   (or: npm run build && bash test/services/start.sh node build/bench/pool.js)
 */

type Provider = Required<pulumi.dynamic.ResourceProvider>;
const SNAPSHOT = "restant-snapshot";
const MEMBERS = 5;
const TARGET_MS = 2000;

async function operator(dokku: DokkuServer, ...args: string[]): Promise<void> {
  const result = await dokku.operator(args);
  if (result.code !== 0) throw new Error(`dokku ${args.join(" ")} exited ${result.code}: ${result.stderr}`);
}

export async function benchWarmPoolClaims(print: (line: string) => void): Promise<boolean> {
  const dokku = await startDokkuServer();
  const scratch = mkdtempSync(path.join(tmpdir(), "restant-pool-bench-"));
  process.env.DOKKU_SSH_PRIVATE_KEY = dokku.privateKey;
  try {
    const server = testMariaDb();
    if (!server) throw new Error("run through test/services/start.sh (npm run bench)");
    await operator(dokku, "redis:create", "restant-previews");
    await operator(dokku, "mysql:create", SNAPSHOT);
    await loadSnapshot(server, new StateStore(dokku.stateDir).read().mysql[SNAPSHOT]!.database, 0.02);
    const pool = { registry: MYSQL_POOL_REGISTRY, redisService: "restant-previews", memberPattern: poolMemberPattern(SNAPSHOT) };
    const refill = (size: number) =>
      runAsRoot(
        dokku,
        poolRefillScript({ snapshot: SNAPSHOT, size, prefix: poolMemberPrefix(SNAPSHOT), ...pool, lockPath: path.join(scratch, "lock"), generationPath: path.join(scratch, "generation") }),
      );
    const filled = await refill(MEMBERS + 1);
    if (filled.code !== 0) throw new Error(`the refill failed: ${filled.stderr}`);

    const { provider } = (await asPulumiHostRunsIt(mysqlServiceProvider)) as { provider: Provider };
    const target = { host: dokku.host, port: dokku.port, user: "dokku" as const, hostKey: dokku.hostKey };
    const create = async (pr: number) => {
      const started = Date.now();
      const result = await provider.create({ version: 3, target, service: `restant-pr-${pr}`, cloneFrom: SNAPSHOT, pool: { ...pool, holder: `pr-${pr}`, app: `restant-pr-${pr}` } });
      return { ms: Date.now() - started, result };
    };
    const single = await create(1);
    const started = Date.now();
    const created = await Promise.all(Array.from({ length: 20 }, (_, i) => create(i + 2)));
    const wallMs = Date.now() - started;
    const claimed = created.filter((c) => c.result.outs.source === "pool");
    const cloned = created.filter((c) => c.result.outs.source === "clone");
    const members = new Set(claimed.map((c) => c.result.outs.serviceInUse as string));
    const latencies = claimed.map((c) => c.ms).sort((a, b) => a - b);
    const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))];
    print(`one preview's database from the pool alone: ${single.ms} ms (SSH connect, redis:connect, one EVAL, mysql:exists, mysql:links)`);
    print(
      `20 previews at once on a pool of ${MEMBERS}: ${claimed.length} claimed ${members.size} distinct members (latency p50 ${at(0.5)} ms, ` +
        `max ${at(1)} ms), ${cloned.length} fell back to a verified direct clone; all 20 done in ${wallMs} ms`,
    );
    await Promise.all([single, ...created].map((c) => provider.delete(c.result.id, c.result.outs)));
    const ok = single.result.outs.source === "pool" && single.ms <= TARGET_MS && members.size === claimed.length && claimed.length === MEMBERS && cloned.length === 20 - MEMBERS;
    print(`target: a claim ≤ ${TARGET_MS} ms over SSH, 20 concurrent claims distinct or a clone: ${ok ? "met" : "missed"}`);
    return ok;
  } finally {
    delete process.env.DOKKU_SSH_PRIVATE_KEY;
    await dokku.stop();
    rmSync(scratch, { recursive: true, force: true });
  }
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
