import type * as pulumi from "@pulumi/pulumi";
import { sameTarget, withForgeServerSession } from "../dokku/client/target-session";
import { claimSlotWith, lookupSlotWith, releaseSlotWith, type SlotRange } from "../dokku/redis/redis-slot-operations";
import { foundOnRead, goneOnRead, stateForRead } from "../dynamic-read";
import type { ProviderVersion } from "../dynamic-resource";
import { changedKeys } from "./provider-support";
import { forgeRedisCli, refuseRangeBeyondDatabases } from "./server/redis-on-server";
import type { ForgeServerTarget } from "./server/server-target";

export interface ForgeRedisSlotInputs {
  /** Bump to make `pulumi up` store this provider's code in state (read and delete run the stored code). */
  version: ProviderVersion;
  /** The Forge server over SSH, as its `forge` user; its own Redis answers on 127.0.0.1. */
  target: ForgeServerTarget;
  /** The port of the server's Redis (Forge: 6379). */
  redisPort: number;
  /** The registry hash (database 0) that records who holds which slot. */
  registry: string;
  /** Who holds the slot: the environment's slug. */
  holder: string;
  /** The slots it may take (database 0 holds the registry). */
  range: SlotRange;
}

export interface ForgeRedisSlotOutputs extends ForgeRedisSlotInputs {
  /** The logical database the environment owns: its REDIS_DB / REDIS_CACHE_DB. */
  slot: number;
}

/**
 * A logical Redis database on a Forge server's own Redis (type `pulumi-nodejs:dynamic/forge:RedisSlot`), claimed with
 * the same Lua script as a slot on Dokku's shared Redis (redis-slot-script.ts: one atomic step, two stacks never get
 * the same slot), run by `redis-cli` over SSH. The app learns its slot from its .env (REDIS_DB), not from a link. Read
 * sees a slot freed or taken by someone else as gone; delete flushes and frees it in one step, only while it is still
 * this holder's.
 */
export class ForgeRedisSlotProvider implements pulumi.dynamic.ResourceProvider<ForgeRedisSlotInputs, ForgeRedisSlotOutputs> {
  async check(_olds: ForgeRedisSlotInputs, news: ForgeRedisSlotInputs): Promise<pulumi.dynamic.CheckResult<ForgeRedisSlotInputs>> {
    const failures: pulumi.dynamic.CheckFailure[] = [];
    const { first, last } = news.range ?? { first: NaN, last: NaN };
    if (!Number.isInteger(first) || !Number.isInteger(last) || first < 1 || last < first) {
      failures.push({ property: "range", reason: "must be whole numbers 1 <= first <= last (database 0 holds the registry)" });
    }
    if (typeof news.holder !== "string" || news.holder === "") failures.push({ property: "holder", reason: "must name the environment" });
    if (!Number.isInteger(news.redisPort) || news.redisPort < 1 || news.redisPort > 65535) failures.push({ property: "redisPort", reason: "must be a TCP port (Forge's Redis: 6379)" });
    if (news.target?.user !== "forge") failures.push({ property: "target.user", reason: 'must be "forge", the user Forge makes on its servers' });
    return { inputs: news, failures };
  }

  async diff(_id: string, olds: ForgeRedisSlotOutputs, news: ForgeRedisSlotInputs): Promise<pulumi.dynamic.DiffResult> {
    const replaces = changedKeys(olds, news, ["registry", "holder", "redisPort"]).map(String);
    if (!sameTarget(olds.target, news.target)) replaces.push("target");
    // A new range only moves the environment when its slot falls outside it.
    if (olds.slot < news.range.first || olds.slot > news.range.last) replaces.push("range");
    const changes = replaces.length > 0 || changedKeys(olds, news, ["range", "version"]).length > 0;
    return { changes, replaces, deleteBeforeReplace: true, stables: replaces.length === 0 ? ["slot"] : [] };
  }

  async create(inputs: ForgeRedisSlotInputs): Promise<pulumi.dynamic.CreateResult<ForgeRedisSlotOutputs>> {
    const where = `${inputs.target.host}'s Redis`;
    const { slot } = await withForgeServerSession(inputs.target, async (shell) => {
      const cli = forgeRedisCli(shell, inputs.redisPort);
      await refuseRangeBeyondDatabases(cli, inputs.range, where);
      return claimSlotWith(cli, { ...inputs, where });
    });
    return { id: `${inputs.target.host}/${slot}`, outs: { ...inputs, slot } };
  }

  async read(id: string, stored?: ForgeRedisSlotOutputs): Promise<pulumi.dynamic.ReadResult<ForgeRedisSlotOutputs>> {
    const props = stateForRead(stored, `the Redis slot ${id}`);
    const now = await withForgeServerSession(props.target, (shell) =>
      lookupSlotWith(forgeRedisCli(shell, props.redisPort), { ...props, where: `${props.target.host}'s Redis` }),
    );
    if (now.holder !== props.holder) return goneOnRead<ForgeRedisSlotOutputs>();
    const { slot: _slot, ...inputs } = props;
    return foundOnRead(id, props, inputs);
  }

  async update(_id: string, olds: ForgeRedisSlotOutputs, news: ForgeRedisSlotInputs): Promise<pulumi.dynamic.UpdateResult<ForgeRedisSlotOutputs>> {
    return { outs: { ...news, slot: olds.slot } };
  }

  async delete(_id: string, props: ForgeRedisSlotOutputs): Promise<void> {
    await withForgeServerSession(props.target, (shell) => releaseSlotWith(forgeRedisCli(shell, props.redisPort), { ...props, where: `${props.target.host}'s Redis` }));
  }
}
