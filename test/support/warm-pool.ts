import * as path from "node:path";
import { withDokkuSession } from "../../components/dokku/client";
import { listPool, type WarmPool } from "../../components/dokku/mysql/pool-operations";
import type { PoolRecord } from "../../components/dokku/mysql/pool-script";
import { poolRefillScript } from "../../components/dokku/server/server-scripts";
import { MYSQL_POOL_REGISTRY, poolMemberPattern, poolMemberPrefix } from "../../infra/names";
import type { SnapshotServer } from "./snapshot-server";

/** The warm pool of a snapshot on the test server, as the platform stack sets it up, and ways to look at it. */
export interface WarmPoolOnServer {
  pool: WarmPool;
  /** The refill job as cron runs it (root, `sh -s`), keeping `size` members ready, with the test's lock and generation. */
  refill(size: number): Promise<{ code: number; stdout: string; stderr: string }>;
  /** The registry's records, read over SSH as the reaper reads them. */
  registry(): Promise<Record<string, PoolRecord>>;
  /** The dokku-mysql services named like members, sorted. */
  memberServices(): string[];
}

/** The pool of `snapshot` recorded on database 0 of the dokku-redis service `redisService`, created here. */
export async function warmPoolOn(at: SnapshotServer, snapshot: string, redisService: string): Promise<WarmPoolOnServer> {
  await at.operator("redis:create", redisService);
  const { server } = at;
  // Every dokku-redis service of the double lives on the one test Redis, which outlives a test file: a registry of
  // this server's own keeps one file's members out of the next file's pool.
  const pool: WarmPool = { registry: `${MYSQL_POOL_REGISTRY}:${path.basename(path.dirname(server.stateDir))}`, redisService, memberPattern: poolMemberPattern(snapshot) };
  const ssh = { host: server.host, port: server.port, user: "dokku" as const, hostKey: server.hostKey, privateKey: server.privateKey };
  return {
    pool,
    refill: (size) =>
      at.runAsRoot(poolRefillScript({ snapshot, size, prefix: poolMemberPrefix(snapshot), ...pool, lockPath: at.lockPath, generationPath: at.generationPath })),
    registry: () => withDokkuSession(ssh, (dokku) => listPool(dokku, pool)),
    memberServices: () =>
      Object.keys(at.services())
        .filter((name) => new RegExp(pool.memberPattern).test(name))
        .sort(),
  };
}
