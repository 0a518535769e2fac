import type * as pulumi from "@pulumi/pulumi";
import type { DokkuRunner } from "../client/dokku-runner";
import type { DokkuTarget } from "../client/ssh-options";
import { sameTarget, withTargetSession } from "../client/target-session";
import { redisLinks as links, redisServiceExists as exists } from "./redis-service-operations";
import { foundOnRead, goneOnRead, stateForRead } from "../../dynamic-read";
import type { ProviderVersion } from "../../dynamic-resource";

/** The RedisService resource's inputs as the provider receives them. */
export interface RedisServiceInputs {
  /** Bump to make `pulumi up` store this provider's code in state (read and delete run the stored code). */
  version: ProviderVersion;
  target: DokkuTarget;
  service: string;
  /** Logical databases the server is started with (`--databases`): every slot must exist. */
  databases: number;
}

export interface RedisServiceOutputs extends RedisServiceInputs {
  /** Apps linked to the service, as last read. */
  linkedApps: string[];
}

/**
 * A dokku-redis service: the non-production one branches and previews take slots on, or production's or staging's
 * own. Never adopts one it did not create, and refuses to destroy itself while any app is linked: destroying it would
 * take those environments' cache and queues.
 */
export const redisServiceProvider: pulumi.dynamic.ResourceProvider<RedisServiceInputs, RedisServiceOutputs> = {
  async diff(_id: string, olds: RedisServiceOutputs, news: RedisServiceInputs) {
    // dokku-redis keeps --config-options from create; a new database count means a new service.
    const replaces = olds.service !== news.service || olds.databases !== news.databases || !sameTarget(olds.target, news.target) ? ["service"] : [];
    return { changes: replaces.length > 0 || olds.version !== news.version, replaces, deleteBeforeReplace: true };
  },

  async create(inputs: RedisServiceInputs) {
    await withTargetSession(inputs.target, async (dokku) => {
      if (await exists(dokku, inputs.service)) {
        throw new Error(`the Redis service ${inputs.service} already exists; import it into the platform stack instead of creating it`);
      }
      await dokku.run(["redis:create", inputs.service, "--config-options", `--databases ${inputs.databases}`]);
    });
    return { id: inputs.service, outs: { ...inputs, linkedApps: [] } };
  },

  async read(id: string, stored?: RedisServiceOutputs) {
    const props = stateForRead(stored, `the Redis service ${id}`);
    return withTargetSession(props.target, async (dokku) => {
      if (!(await exists(dokku, id))) return goneOnRead<RedisServiceOutputs>();
      const outs: RedisServiceOutputs = { ...props, linkedApps: await links(dokku, id) };
      const { linkedApps: _linked, ...inputs } = outs;
      return foundOnRead(id, outs, inputs);
    });
  },

  async update(_id: string, olds: RedisServiceOutputs, news: RedisServiceInputs) {
    return { outs: { ...news, linkedApps: olds.linkedApps } };
  },

  async delete(id: string, props: RedisServiceOutputs) {
    await withTargetSession(props.target, async (dokku) => {
      if (!(await exists(dokku, id))) return;
      const linked = await links(dokku, id);
      if (linked.length > 0) {
        throw new Error(`refusing to destroy the shared Redis ${id}: still linked to ${linked.join(", ")}; destroy those environments first`);
      }
      await dokku.run(["redis:destroy", id, "--force"]);
    });
  },
};
