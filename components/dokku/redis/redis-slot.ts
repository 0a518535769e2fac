import * as pulumi from "@pulumi/pulumi";
import { redisSlotProvider } from "./redis-slot-provider";
import type { DokkuTarget } from "../client/ssh-options";
import { DynamicResource, type DynamicResourceKind } from "../../dynamic-resource";

/** Stored provider code's version: bump when the provider changes, so `up` rolls it forward for read and delete. */
export const REDIS_SLOT_PROVIDER_VERSION = 1;

export interface RedisSlotArgs {
  /** The Dokku server (host, port, login user, pinned host key). The private key comes from the environment. */
  target: pulumi.Input<DokkuTarget>;
  /** The shared dokku-redis service the platform stack created. */
  service: pulumi.Input<string>;
  /** The registry hash in database 0. */
  registry: pulumi.Input<string>;
  /** Who holds the slot: the environment's slug. */
  holder: pulumi.Input<string>;
  /** The slots it may take; a fixed slot is `{ first: n, last: n }`. */
  range: pulumi.Input<{ first: number; last: number }>;
  /** The app to link (REDIS_URL). Default: none. */
  app?: pulumi.Input<string>;
}

const KIND: DynamicResourceKind = { module: "dokku", type: "RedisSlot", deleteBeforeReplace: true };

/**
 * A logical database on the shared Redis, claimed atomically, flushed and released on delete. Type token
 * `pulumi-nodejs:dynamic/dokku:RedisSlot`.
 */
export class RedisSlot extends DynamicResource {
  declare readonly slot: pulumi.Output<number>;

  constructor(name: string, args: RedisSlotArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      KIND,
      redisSlotProvider,
      name,
      { version: REDIS_SLOT_PROVIDER_VERSION, slot: undefined, ...args },
      opts,
    );
  }
}
