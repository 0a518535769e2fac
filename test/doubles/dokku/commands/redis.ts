import { randomBytes } from "node:crypto";
import { RedisServer, redisAdmin, testRedis } from "../services/redis-server";
import { RedisService } from "../state/types";
import { CommandHandler } from "./context";
import { DatastorePlugin, datastoreCommands, needTestServer } from "./datastore";

const server = (env: NodeJS.ProcessEnv): RedisServer => needTestServer(testRedis(env), "redis", "Redis");

/**
 * dokku-redis: every service is the shared test Redis server, reached with a password of its own (added to the
 * server's `default` user); its URL has no DB index, as the real one (`redis://:<password>@host:6379`).
 */
const plugin: DatastorePlugin<RedisService> = {
  prefix: "redis",
  label: "Redis",
  defaultAlias: "REDIS",
  altAlias: "DOKKU_REDIS",
  services: (state) => state.redis,
  reserve: (_state, _name, env) => {
    server(env);
    return { createdAt: Math.floor(Date.now() / 1000), links: [], password: randomBytes(32).toString("hex") };
  },
  provision: async (service, env) => {
    await redisAdmin(server(env), `ACL SETUSER default >${service.password}\n`);
  },
  remove: async (service, env) => {
    await redisAdmin(server(env), `ACL SETUSER default <${service.password}\n`);
  },
  url: (service, env) => {
    const { host, port } = server(env);
    return `redis://:${service.password}@${host}:${port}`;
  },
  id: (_service, name) => `dokku.redis.${name}`,
  version: "redis:8.8.0",
};

export const redisCommands: Record<string, CommandHandler> = datastoreCommands(plugin);
