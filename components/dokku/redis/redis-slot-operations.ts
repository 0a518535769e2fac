import type { DokkuRunner } from "../client/dokku-runner";
import { isAppMissing } from "../client/errors/command-errors";
import { linkRedis, unlinkRedisIfLinked } from "./redis-service-operations";
import {
  CLAIM_SCRIPT,
  type ClaimReply,
  evalLine,
  fullRangeMessage,
  LOOKUP_SCRIPT,
  type LookupReply,
  RELEASE_SCRIPT,
  type ReleaseReply,
  scriptReply,
} from "./redis-slot-script";

/**
 * Logical Redis databases ("slots") on the shared dokku-redis service, one per environment, claimed and released
 * through `redis:connect` (redis-cli reading commands from stdin: the script and names travel as data, the service's
 * password stays on the server). The `…With` operations take any RedisCli, so a Forge server's own Redis
 * (components/forge/server/redis-on-server.ts) is claimed on with the same scripts. Knows nothing of Pulumi.
 */

export interface SlotRange {
  first: number;
  last: number;
}

export interface SlotClaim {
  /** Registry hash on the shared Redis. */
  registry: string;
  /** The shared dokku-redis service. */
  service: string;
  /** Who holds the slot: the environment's slug. */
  holder: string;
  /** The slots it may take; a fixed slot is a range of one. */
  range: SlotRange;
}

/**
 * Thrown when every slot in the range is held: names the range and each holder. A plain Error from a factory, not a
 * subclass: Pulumi's closure serializer turns `super(message)` into `Error.call(this)`, losing the message.
 */
export interface RedisSlotRangeFullError extends Error {
  name: "RedisSlotRangeFullError";
  range: SlotRange;
  holders: Readonly<Record<string, string>>;
}

export function redisSlotRangeFullError(range: SlotRange, holders: Readonly<Record<string, string>>, holder: string): RedisSlotRangeFullError {
  const error = new Error(fullRangeMessage(range, holders, holder));
  return Object.assign(error, { name: "RedisSlotRangeFullError" as const, range, holders });
}

/**
 * Runs one redis-cli input line (an EVAL) on the Redis that holds the registry and resolves with what redis-cli
 * printed: `redis:connect <service>` on Dokku, `redis-cli` on a Forge server. The slot operations below need nothing else.
 */
export type RedisCli = (line: string) => Promise<string>;

/** A dokku-redis service through `redis:connect` (redis-cli reading stdin; the service's password stays on the server). */
export function dokkuRedisCli(dokku: DokkuRunner, service: string): RedisCli {
  return async (line) => (await dokku.run(["redis:connect", service], { stdin: `${line}\n` })).stdout;
}

/** Runs one redis-cli line (an EVAL) on a dokku-redis service through `redis:connect` and reads its JSON reply. */
export async function evalOnService<T>(dokku: DokkuRunner, service: string, line: string, what: string): Promise<T> {
  return scriptReply<T>(await dokkuRedisCli(dokku, service)(line), what);
}

/** A slot's registry and holder; `where` names the Redis in messages (a service, or a Forge server's Redis). */
export interface SlotClaimOn {
  registry: string;
  holder: string;
  range: SlotRange;
  where: string;
}

/** Claims the holder's slot atomically on the Redis `cli` reaches: its existing one, or the lowest free one in the range. */
export async function claimSlotWith(cli: RedisCli, claim: SlotClaimOn): Promise<{ slot: number; claimed: boolean }> {
  const line = evalLine(CLAIM_SCRIPT, claim.registry, [claim.holder, claim.range.first, claim.range.last]);
  const reply = scriptReply<ClaimReply>(await cli(line), `claiming a Redis slot on ${claim.where}`);
  if ("full" in reply) throw redisSlotRangeFullError(claim.range, reply.holders, claim.holder);
  return reply;
}

/** Flushes the slot and frees it, if the holder still holds it, on the Redis `cli` reaches; returns what happened. */
export async function releaseSlotWith(cli: RedisCli, slot: { registry: string; holder: string; slot: number; where: string }): Promise<ReleaseReply> {
  const line = evalLine(RELEASE_SCRIPT, slot.registry, [slot.slot, slot.holder]);
  return scriptReply<ReleaseReply>(await cli(line), `releasing Redis slot ${slot.slot} on ${slot.where}`);
}

/** Who holds the slot now and how many keys it has, on the Redis `cli` reaches. */
export async function lookupSlotWith(cli: RedisCli, slot: { registry: string; slot: number; where: string }): Promise<LookupReply> {
  const line = evalLine(LOOKUP_SCRIPT, slot.registry, [slot.slot]);
  return scriptReply<LookupReply>(await cli(line), `reading Redis slot ${slot.slot} on ${slot.where}`);
}

/** Claims the holder's slot atomically on the shared dokku-redis service. */
export function claimSlot(dokku: DokkuRunner, claim: SlotClaim): Promise<{ slot: number; claimed: boolean }> {
  return claimSlotWith(dokkuRedisCli(dokku, claim.service), { ...claim, where: claim.service });
}

/** Flushes the slot and frees it, if the holder still holds it; returns what happened. */
export function releaseSlot(dokku: DokkuRunner, slot: { registry: string; service: string; holder: string; slot: number }): Promise<ReleaseReply> {
  return releaseSlotWith(dokkuRedisCli(dokku, slot.service), { ...slot, where: slot.service });
}

/** Who holds the slot now and how many keys it has. */
export function lookupSlot(dokku: DokkuRunner, slot: { registry: string; service: string; slot: number }): Promise<LookupReply> {
  return lookupSlotWith(dokkuRedisCli(dokku, slot.service), { ...slot, where: slot.service });
}

/** The app's variables for its slot: Laravel's default and cache connections both use it (keys are prefixed). */
export function slotConfig(slot: number): Record<string, string> {
  return { REDIS_DB: String(slot), REDIS_CACHE_DB: String(slot) };
}

/**
 * Links the shared service (REDIS_URL, which has no DB index) and sets the slot's variables, without a restart: the
 * deploy that follows starts the app with them. The app's own resource leaves variables it does not manage alone.
 */
export async function attachSlot(dokku: DokkuRunner, service: string, app: string, slot: number): Promise<void> {
  await linkRedis(dokku, service, app);
  const pairs = Object.entries(slotConfig(slot)).map(([key, value]) => `${key}=${value}`);
  await dokku.run(["config:set", "--no-restart", app, ...pairs]);
}

/** Undoes attachSlot on an app that still exists; an app already destroyed is fine. */
export async function detachSlot(dokku: DokkuRunner, service: string, app: string): Promise<void> {
  try {
    await dokku.run(["config:unset", "--no-restart", app, ...Object.keys(slotConfig(0))]);
    await unlinkRedisIfLinked(dokku, service, app);
  } catch (error) {
    if (!isAppMissing(error)) throw error;
  }
}
