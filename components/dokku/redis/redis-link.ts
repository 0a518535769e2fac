import * as pulumi from "@pulumi/pulumi";
import type { DokkuTarget } from "../client/ssh-options";
import { redisLinkProvider } from "./redis-link-provider";
import { DynamicResource, type DynamicResourceKind } from "../../dynamic-resource";

/** Stored provider code's version: bump when the provider changes, so `up` rolls it forward for read and delete. */
export const REDIS_LINK_PROVIDER_VERSION = 1;

export interface RedisLinkArgs {
  /** The Dokku server (host, port, login user, pinned host key). The private key comes from the environment. */
  target: pulumi.Input<DokkuTarget>;
  /** The environment's own dokku-redis service (`names.redisService`), declared by the platform stack. */
  service: pulumi.Input<string>;
  /** The app that gets REDIS_URL (`names.app`). */
  app: pulumi.Input<string>;
}

const KIND: DynamicResourceKind = { module: "dokku", type: "RedisLink", deleteBeforeReplace: true };

/**
 * An app linked to a Redis service of its own (production, staging). Type token `pulumi-nodejs:dynamic/dokku:RedisLink`.
 */
export class RedisLink extends DynamicResource {
  declare readonly service: pulumi.Output<string>;

  constructor(name: string, args: RedisLinkArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      KIND,
      redisLinkProvider,
      name,
      { version: REDIS_LINK_PROVIDER_VERSION, ...args },
      opts,
    );
  }
}
