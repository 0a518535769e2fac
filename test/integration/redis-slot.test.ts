import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import type * as pulumi from "@pulumi/pulumi";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requireBuilt } from "../support/built";
import { type DokkuServer, startDokkuServer } from "../support/dokku-server";

type Harness = typeof import("../support/serialized-provider");
type ProviderModule = typeof import("../../components/dokku/redis/redis-slot-provider");

const { asPulumiHostRunsIt } = requireBuilt<Harness>("test/support/serialized-provider.ts");
const { redisSlotProvider } = requireBuilt<ProviderModule>("components/dokku/redis/redis-slot-provider.ts");

const SHARED = "restant-shared";

let server: DokkuServer;
let provider: pulumi.dynamic.ResourceProvider;
/** Each test its own registry: the double's Redis services all live on the one test Redis. */
let registryCount = 0;
const newRegistry = () => `restant:test-slots:${process.pid}:${++registryCount}`;

const target = () => ({ host: server.host, port: server.port, user: "dokku" as const, hostKey: server.hostKey });
const inputs = (registry: string, holder: string, first: number, last: number, app?: string) => ({
  version: 1,
  target: target(),
  service: SHARED,
  registry,
  holder,
  range: { first, last },
  ...(app ? { app } : {}),
});
/** redis-cli straight at the test Redis, as a check independent of the provider. */
const redis = (...args: string[]): string =>
  execFileSync("redis-cli", ["-h", process.env.RESTANT_TEST_REDIS_HOST ?? "127.0.0.1", "-p", process.env.RESTANT_TEST_REDIS_PORT ?? "", ...args], {
    encoding: "utf8",
    env: { ...process.env, REDISCLI_AUTH: readFileSync(process.env.RESTANT_TEST_REDIS_PASSWORD_FILE ?? "", "utf8").trim() },
  }).trim();
const operator = async (...args: string[]) => {
  const result = await server.operator(args);
  if (result.code !== 0) throw new Error(`dokku ${args.join(" ")} exited ${result.code}: ${result.stderr}`);
  return result.stdout;
};

beforeAll(async () => {
  server = await startDokkuServer();
  process.env.DOKKU_SSH_PRIVATE_KEY = server.privateKey;
  ({ provider } = await asPulumiHostRunsIt(redisSlotProvider));
  await operator("redis:create", SHARED);
});

afterAll(async () => {
  delete process.env.DOKKU_SSH_PRIVATE_KEY;
  await server?.stop();
});

describe("RedisSlot (serialized provider, over SSH, on real Redis)", () => {
  it("gives 20 concurrent claims 20 distinct slots", async () => {
    const registry = newRegistry();
    const holders = Array.from({ length: 20 }, (_, i) => `pr-${100 + i}`);
    const created = await Promise.all(holders.map((holder) => provider.create!(inputs(registry, holder, 30, 49))));
    const slots = created.map((c) => c.outs.slot as number);
    expect(new Set(slots).size).toBe(20);
    for (const slot of slots) expect(slot).toBeGreaterThanOrEqual(30), expect(slot).toBeLessThanOrEqual(49);
    // The registry agrees, slot by slot.
    for (const c of created) expect(redis("HGET", registry, String(c.outs.slot))).toBe(c.outs.holder);
    await Promise.all(created.map((c) => provider.delete!(c.id, c.outs)));
    expect(redis("HLEN", registry)).toBe("0");
  });

  it("fails a claim on a full range, naming the range and who holds each slot", async () => {
    const registry = newRegistry();
    const first = await provider.create!(inputs(registry, "pr-1", 50, 51));
    const second = await provider.create!(inputs(registry, "feature-x-1a2b3c4d", 50, 51));
    await expect(provider.create!(inputs(registry, "pr-3", 50, 51))).rejects.toThrow(
      /no free Redis slot for pr-3: every slot in the range 50-51 is taken \(50: pr-1, 51: feature-x-1a2b3c4d\)/,
    );
    // A holder that already has a slot gets it back (a create retried after a crash), even on a full range.
    expect((await provider.create!(inputs(registry, "pr-1", 50, 51))).outs.slot).toBe(first.outs.slot);
    await provider.delete!(first.id, first.outs);
    await provider.delete!(second.id, second.outs);
  });

  it("keeps production and staging on their fixed slots", async () => {
    const registry = newRegistry();
    const production = await provider.create!(inputs(registry, "main", 52, 52));
    expect(production.outs.slot).toBe(52);
    await expect(provider.create!(inputs(registry, "impostor", 52, 52))).rejects.toThrow(/range 52-52 is taken \(52: main\)/);
    await provider.delete!(production.id, production.outs);
  });

  it("flushes and frees the slot on destroy, links and unlinks the app, and reads a lost slot as gone", async () => {
    const registry = newRegistry();
    await operator("apps:create", "restant-pr-5");
    const created = await provider.create!(inputs(registry, "pr-5", 53, 54, "restant-pr-5"));
    const slot = String(created.outs.slot);
    const config = JSON.parse(await operator("config:export", "--format", "json", "restant-pr-5")) as Record<string, string>;
    expect(config.REDIS_URL).toMatch(/^redis:\/\//);
    expect(config.REDIS_URL).not.toMatch(/\/\d+$/);
    expect(config).toMatchObject({ REDIS_DB: slot, REDIS_CACHE_DB: slot });
    expect(server.restarts("restant-pr-5")).toBe(0);

    // The app writes into its slot; someone else's slot is untouched by the flush.
    redis("-n", slot, "SET", "restant:pr-5:cache", "x");
    redis("-n", slot, "SET", "restant:pr-5:queue", "y");
    redis("-n", "55", "SET", "other", "keep");
    expect((await provider.read!(created.id, created.outs)).id).toBe(created.id);

    await provider.delete!(created.id, created.outs);
    expect(redis("-n", slot, "DBSIZE")).toBe("0");
    expect(redis("HEXISTS", registry, slot)).toBe("0");
    expect(redis("-n", "55", "GET", "other")).toBe("keep");
    const after = JSON.parse(await operator("config:export", "--format", "json", "restant-pr-5")) as Record<string, string>;
    expect(after.REDIS_URL).toBeUndefined();
    expect(after.REDIS_DB).toBeUndefined();
    expect((await provider.read!(created.id, created.outs)).id).toBe("");

    // The freed slot goes to the next claimant, clean; the old holder's delete cannot flush it any more.
    const next = await provider.create!(inputs(registry, "pr-6", 53, 53));
    redis("-n", "53", "SET", "mine", "1");
    await provider.delete!(created.id, { ...created.outs, slot: 53, app: undefined });
    expect(redis("-n", "53", "GET", "mine")).toBe("1");
    await provider.delete!(next.id, next.outs);
    redis("-n", "55", "FLUSHDB");
  });
});
