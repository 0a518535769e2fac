import * as pulumi from "@pulumi/pulumi";
import { redisServiceProvider } from "./redis-service-provider";
import type { DokkuTarget } from "../client/ssh-options";
import { DynamicResource, type DynamicResourceKind } from "../../dynamic-resource";

/** Stored provider code's version: bump when the provider changes, so `up` rolls it forward for read and delete. */
export const REDIS_SERVICE_PROVIDER_VERSION = 1;

export interface RedisServiceArgs {
  /** The Dokku server (host, port, login user, pinned host key). The private key comes from the environment. */
  target: pulumi.Input<DokkuTarget>;
  /** The dokku-redis service name. */
  service: pulumi.Input<string>;
  /** Logical databases to start Redis with; Redis's own default is 16. */
  databases: pulumi.Input<number>;
}

const KIND: DynamicResourceKind = { module: "dokku", type: "RedisService", deleteBeforeReplace: true };

/** A dokku-redis service shared by every environment. Type token `pulumi-nodejs:dynamic/dokku:RedisService`. */
export class RedisService extends DynamicResource {
  declare readonly service: pulumi.Output<string>;
  declare readonly linkedApps: pulumi.Output<string[]>;

  constructor(name: string, args: RedisServiceArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      KIND,
      redisServiceProvider,
      name,
      { version: REDIS_SERVICE_PROVIDER_VERSION, linkedApps: undefined, ...args },
      opts,
    );
  }
}
