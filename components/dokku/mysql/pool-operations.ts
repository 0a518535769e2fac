import type { DokkuRunner } from "../client/dokku-runner";
import { evalOnService } from "../redis/redis-slot-operations";
import { evalLine } from "../redis/redis-slot-script";
import { isServiceMissing, mysqlLinks, snapshotTime } from "./mysql-operations";
import { isSnapshotTime, UNKNOWN_SNAPSHOT_TIME } from "./snapshot-time";
import { POOL_CLAIM_SCRIPT, type PoolClaimReply, POOL_DROP_SCRIPT, type PoolDropReply, POOL_LIST_SCRIPT, type PoolRecord } from "./pool-script";

/**
 * The warm pool as a preview and the reaper use it: claim a member (one atomic step on the registry), forget one whose
 * service is destroyed, list them all. Knows nothing of Pulumi; every command goes through the caller's Dokku session.
 */

/** Where the pool is recorded and how its members are named (infra/spec.ts WarmPoolSpec). */
export interface WarmPool {
  registry: string;
  /** The non-production dokku-redis service whose database 0 holds the registry. */
  redisService: string;
  /** Every member's name matches it (extended regular expression). */
  memberPattern: string;
}

/** How many members a claim tries before it falls back to a clone: each bad one is forgotten first. */
const CLAIM_ATTEMPTS = 5;

/** A claimed member, and when its data was taken from production (undefined when the snapshot recorded no time). */
export interface PoolClaim {
  member: string;
  snapshotTakenAt: string | undefined;
}

/**
 * Claims a ready member for `holder`, atomically (POOL_CLAIM_SCRIPT), and checks it before handing it out: its name is
 * a member's, the service exists and no app but `app` is linked to it. The registry sits on the non-production Redis,
 * which previews' apps can reach, so it is never trusted alone. Two commands on the caller's one SSH connection: the
 * claim (which also answers the snapshot time the refill recorded) and `mysql:links` (which fails for a missing
 * service, so it proves both). A member that fails the check (destroyed by hand, or linked although the registry says
 * ready) is forgotten by the next claim's own step and the next one tried. Undefined when the pool is empty.
 */
export async function claimPoolMember(dokku: DokkuRunner, pool: WarmPool, holder: string, app: string, now: Date = new Date()): Promise<PoolClaim | undefined> {
  let rejected = "";
  for (let attempt = 0; attempt < CLAIM_ATTEMPTS; attempt++) {
    const reply = await evalOnService<PoolClaimReply>(
      dokku,
      pool.redisService,
      evalLine(POOL_CLAIM_SCRIPT, pool.registry, [holder, now.toISOString(), rejected]),
      `claiming a warm pool database on ${pool.redisService}`,
    );
    if ("empty" in reply) return undefined;
    if (new RegExp(pool.memberPattern).test(reply.member) && (await isUnusedService(dokku, reply.member, app))) {
      return { member: reply.member, snapshotTakenAt: await recordedTime(dokku, reply.member, reply.takenAt) };
    }
    rejected = reply.member;
  }
  await dropPoolMember(dokku, pool, rejected, holder);
  return undefined;
}

/** A member the holder may link: it exists, and no app but (after a retried create) the holder's own is linked to it. */
async function isUnusedService(dokku: DokkuRunner, service: string, app: string): Promise<boolean> {
  try {
    return (await mysqlLinks(dokku, service)).every((linked) => linked === app);
  } catch (error) {
    if (isServiceMissing(error)) return false;
    throw error;
  }
}

/**
 * The snapshot time the refill recorded for the member; read from the member itself only for a record made before
 * the refill recorded it (or holding something that is not a UTC time, which is never shown as one).
 */
async function recordedTime(dokku: DokkuRunner, member: string, takenAt: string | undefined): Promise<string | undefined> {
  if (takenAt === UNKNOWN_SNAPSHOT_TIME) return undefined;
  if (takenAt !== undefined && isSnapshotTime(takenAt)) return takenAt;
  return snapshotTime(dokku, member);
}

/** Forgets a member in the registry if `holder` holds it; a member someone else holds is left alone. */
export function dropPoolMember(dokku: DokkuRunner, pool: WarmPool, member: string, holder: string): Promise<PoolDropReply> {
  return evalOnService<PoolDropReply>(
    dokku,
    pool.redisService,
    evalLine(POOL_DROP_SCRIPT, pool.registry, [member, holder]),
    `forgetting warm pool database ${member} on ${pool.redisService}`,
  );
}

/** Every member the registry records, by name. */
export function listPool(dokku: DokkuRunner, pool: WarmPool): Promise<Record<string, PoolRecord>> {
  return evalOnService<Record<string, PoolRecord>>(dokku, pool.redisService, evalLine(POOL_LIST_SCRIPT, pool.registry, []), `reading the warm pool on ${pool.redisService}`);
}
