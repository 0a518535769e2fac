import type * as pulumi from "@pulumi/pulumi";
import { DynamicResource, type DynamicResourceKind } from "../dynamic-resource";
import { ForgeRedisSlotProvider } from "./redis-slot-provider";
import type { ForgeServerTarget } from "./server/server-target";

const PROVIDER_VERSION = 1;
const provider = new ForgeRedisSlotProvider();
const KIND: DynamicResourceKind = { module: "forge", type: "RedisSlot", deleteBeforeReplace: true };

export interface ForgeRedisSlotArgs {
  /** The Forge server over SSH (host, port, user "forge", pinned host key). Required. */
  target: pulumi.Input<ForgeServerTarget>;
  /** The port of the server's Redis (restant:forge.previews.redisPort, whose default the config schema sets). Required. */
  redisPort: pulumi.Input<number>;
  /** The registry hash in database 0 (infra/names.ts REDIS_SLOT_REGISTRY). Required. */
  registry: pulumi.Input<string>;
  /** Who holds the slot: the environment's slug. Required. */
  holder: pulumi.Input<string>;
  /** The slots it may take (restant:redis.claimRange). Required. */
  range: pulumi.Input<{ first: number; last: number }>;
}

/** A logical database on a Forge server's Redis, claimed atomically, flushed and freed on delete (`pulumi-nodejs:dynamic/forge:RedisSlot`). */
export class ForgeRedisSlot extends DynamicResource {
  declare readonly slot: pulumi.Output<number>;

  constructor(name: string, args: ForgeRedisSlotArgs, opts?: pulumi.CustomResourceOptions) {
    super(KIND, provider, name, { ...args, version: PROVIDER_VERSION, slot: undefined }, opts);
  }
}
