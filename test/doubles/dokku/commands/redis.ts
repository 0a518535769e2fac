import { randomBytes } from "node:crypto";
import { DokkuFailure } from "../cli/failure";
import { RedisService } from "../state/types";
import { CommandHandler } from "./context";
import { DatastorePlugin, datastoreCommands } from "./datastore";

function address(env: NodeJS.ProcessEnv): { host: string; port: string } {
  if (!env.RESTANT_TEST_REDIS_PORT) {
    throw DokkuFailure.of("The Dokku double's redis services need the test Redis: run through test/services/start.sh");
  }
  return { host: env.RESTANT_TEST_REDIS_HOST ?? "127.0.0.1", port: env.RESTANT_TEST_REDIS_PORT };
}

/**
 * dokku-redis: every service is the shared test Redis server; its URL has a password and no DB index, as the real
 * one (`redis://:<password>@host:6379`). The test server's `default` user takes any password.
 */
const plugin: DatastorePlugin<RedisService> = {
  prefix: "redis",
  label: "Redis",
  defaultAlias: "REDIS",
  altAlias: "DOKKU_REDIS",
  services: (state) => state.redis,
  reserve: (_state, _name, env) => {
    address(env);
    return { createdAt: Math.floor(Date.now() / 1000), links: [], password: randomBytes(32).toString("hex") };
  },
  provision: async () => undefined,
  remove: async () => undefined,
  url: (service, env) => {
    const { host, port } = address(env);
    return `redis://:${service.password}@${host}:${port}`;
  },
  id: (_service, name) => `dokku.redis.${name}`,
  version: "redis:8.8.0",
};

export const redisCommands: Record<string, CommandHandler> = datastoreCommands(plugin);
