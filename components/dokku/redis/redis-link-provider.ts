import type * as pulumi from "@pulumi/pulumi";
import type { DokkuTarget } from "../client/ssh-options";
import { sameTarget, withTargetSession } from "../client/target-session";
import { linkRedis, redisLinks, redisServiceExists, refuseForeignRedisUrl, unlinkRedisIfLinked } from "./redis-service-operations";
import { foundOnRead, goneOnRead, stateForRead } from "../../dynamic-read";
import type { ProviderVersion } from "../../dynamic-resource";

/** The RedisLink resource's inputs as the provider receives them (plain values). */
export interface RedisLinkInputs {
  /** Bump to make `pulumi up` store this provider's code in state (read and delete run the stored code). */
  version: ProviderVersion;
  target: DokkuTarget;
  /** The environment's own dokku-redis service (the platform stack declares it). */
  service: string;
  /** The app that gets REDIS_URL. */
  app: string;
}

const NAME = /^[a-z0-9][a-z0-9_-]{0,62}$/;
const APP = /^[a-z0-9][a-z0-9.-]*$/;

/**
 * Production's and staging's link to a Redis service of their own: `redis:link` (REDIS_URL with the service's own
 * password, which never leaves the server), no slot and no registry, since nothing else uses the service. Read sees
 * an unlinked app or a missing service as gone, so `preview --refresh` shows it; delete unlinks and never destroys the
 * service, which belongs to the platform stack.
 */
export const redisLinkProvider: pulumi.dynamic.ResourceProvider<RedisLinkInputs, RedisLinkInputs> = {
  async check(_olds: RedisLinkInputs, news: RedisLinkInputs) {
    const failures: pulumi.dynamic.CheckFailure[] = [];
    if (typeof news.service !== "string" || !NAME.test(news.service)) failures.push({ property: "service", reason: "must be a dokku-redis service name" });
    if (typeof news.app !== "string" || !APP.test(news.app)) failures.push({ property: "app", reason: "must be a Dokku app name" });
    return { inputs: news, failures };
  },

  async diff(_id: string, olds: RedisLinkInputs, news: RedisLinkInputs) {
    const replaces: string[] = [];
    for (const key of ["service", "app"] as const) if (olds[key] !== news[key]) replaces.push(key);
    if (!sameTarget(olds.target, news.target)) replaces.push("target");
    return { changes: replaces.length > 0 || olds.version !== news.version, replaces, deleteBeforeReplace: true };
  },

  async create(inputs: RedisLinkInputs) {
    await withTargetSession(inputs.target, async (dokku) => {
      if (!(await redisServiceExists(dokku, inputs.service))) {
        throw new Error(
          `the Redis service ${inputs.service} does not exist: the platform stack declares every environment's own Redis; ` +
            "run `pulumi up -s platform` first, then this stack again",
        );
      }
      await refuseForeignRedisUrl(dokku, inputs.service, inputs.app);
      await linkRedis(dokku, inputs.service, inputs.app);
    });
    return { id: `${inputs.service}/${inputs.app}`, outs: { ...inputs } };
  },

  async read(id: string, stored?: RedisLinkInputs) {
    const props = stateForRead(stored, `the Redis link ${id}`);
    return withTargetSession(props.target, async (dokku) => {
      const linked = (await redisServiceExists(dokku, props.service)) && (await redisLinks(dokku, props.service)).includes(props.app);
      return linked ? foundOnRead(id, props, props) : goneOnRead<RedisLinkInputs>();
    });
  },

  async update(_id: string, _olds: RedisLinkInputs, news: RedisLinkInputs) {
    await withTargetSession(news.target, (dokku) => linkRedis(dokku, news.service, news.app));
    return { outs: { ...news } };
  },

  async delete(_id: string, props: RedisLinkInputs) {
    await withTargetSession(props.target, async (dokku) => {
      if (await redisServiceExists(dokku, props.service)) await unlinkRedisIfLinked(dokku, props.service, props.app);
    });
  },
};
