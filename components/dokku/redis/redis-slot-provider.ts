import type * as pulumi from "@pulumi/pulumi";
import { attachSlot, claimSlot, detachSlot, lookupSlot, releaseSlot, type SlotRange } from "./redis-slot-operations";
import type { DokkuTarget } from "../client/ssh-options";
import { sameTarget, withTargetSession } from "../client/target-session";
import { foundOnRead, goneOnRead, stateForRead } from "../../dynamic-read";
import type { ProviderVersion } from "../../dynamic-resource";

/** The RedisSlot resource's inputs as the provider receives them (plain values). */
export interface RedisSlotInputs {
  /** Bump to make `pulumi up` store this provider's code in state (read and delete run the stored code). */
  version: ProviderVersion;
  target: DokkuTarget;
  /** The shared dokku-redis service. */
  service: string;
  /** The registry hash (database 0) that records who holds which slot. */
  registry: string;
  /** Who holds the slot: the environment's slug, shown to whoever finds the range full. */
  holder: string;
  /** Slots this holder may take; production and staging get a range of one (their fixed slot). */
  range: SlotRange;
  /** The app to link to the shared service (REDIS_URL) and give REDIS_DB / REDIS_CACHE_DB. Default: none. */
  app?: string;
}

export interface RedisSlotOutputs extends RedisSlotInputs {
  /** The logical database the environment owns: REDIS_DB / REDIS_CACHE_DB. */
  slot: number;
}

/**
 * One logical database on the shared Redis per environment. Create claims atomically (one Lua script: two stacks at
 * the same moment never get the same slot) and links the app; read sees a slot released or taken by someone else as
 * gone; delete flushes and releases in one step, only while the slot is still this holder's.
 */
export const redisSlotProvider: pulumi.dynamic.ResourceProvider<RedisSlotInputs, RedisSlotOutputs> = {
  async check(_olds: RedisSlotInputs, news: RedisSlotInputs) {
    const failures: pulumi.dynamic.CheckFailure[] = [];
    const { first, last } = news.range ?? { first: NaN, last: NaN };
    if (!Number.isInteger(first) || !Number.isInteger(last) || first < 1 || last < first) {
      failures.push({ property: "range", reason: "must be whole numbers 1 <= first <= last (database 0 holds the registry)" });
    }
    if (typeof news.holder !== "string" || news.holder === "") failures.push({ property: "holder", reason: "must name the environment" });
    return { inputs: news, failures };
  },

  async diff(_id: string, olds: RedisSlotOutputs, news: RedisSlotInputs) {
    const replaces: string[] = [];
    for (const key of ["service", "registry", "holder"] as const) if (olds[key] !== news[key]) replaces.push(key);
    if (!sameTarget(olds.target, news.target)) replaces.push("target");
    // A new range only moves the environment when its slot falls outside it.
    if (olds.slot < news.range.first || olds.slot > news.range.last) replaces.push("range");
    const changes =
      replaces.length > 0 || olds.app !== news.app || olds.version !== news.version || olds.range.first !== news.range.first || olds.range.last !== news.range.last;
    return { changes, replaces, deleteBeforeReplace: true };
  },

  async create(inputs: RedisSlotInputs) {
    const outs = await withTargetSession(inputs.target, async (dokku) => {
      const { slot, claimed } = await claimSlot(dokku, inputs);
      try {
        if (inputs.app !== undefined) await attachSlot(dokku, inputs.service, inputs.app, slot);
      } catch (error) {
        if (claimed) await releaseSlot(dokku, { ...inputs, slot });
        throw error;
      }
      return { ...inputs, slot };
    });
    return { id: `${inputs.service}/${outs.slot}`, outs };
  },

  async read(id: string, stored?: RedisSlotOutputs) {
    const props = stateForRead(stored, `the Redis slot ${id}`);
    return withTargetSession(props.target, async (dokku) => {
      const now = await lookupSlot(dokku, props);
      if (now.holder !== props.holder) return goneOnRead<RedisSlotOutputs>();
      const { slot: _slot, ...inputs } = props;
      return foundOnRead(id, props, inputs);
    });
  },

  async update(_id: string, olds: RedisSlotOutputs, news: RedisSlotInputs) {
    return withTargetSession(news.target, async (dokku) => {
      if (olds.app !== undefined && olds.app !== news.app) await detachSlot(dokku, olds.service, olds.app);
      if (news.app !== undefined) await attachSlot(dokku, news.service, news.app, olds.slot);
      return { outs: { ...news, slot: olds.slot } };
    });
  },

  async delete(_id: string, props: RedisSlotOutputs) {
    await withTargetSession(props.target, async (dokku) => {
      // A live app must not keep pointing at a slot someone else may claim next; a destroyed one is fine.
      if (props.app !== undefined) await detachSlot(dokku, props.service, props.app);
      await releaseSlot(dokku, props);
    });
  },
};
