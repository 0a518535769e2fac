import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DokkuRunner } from "../../components/dokku/client/dokku-runner";
import { withDokkuSession } from "../../components/dokku/client/open-session";
import { claimSlot } from "../../components/dokku/redis/redis-slot-operations";
import { namesForSlug, poolMemberPattern, slugForBranch, slugForPullRequest } from "../../infra/names";
import { DokkuServerInventory } from "../../scripts/lifecycle/dokku-server-inventory";
import type { ServerResource } from "../../scripts/lifecycle/server-inventory";
import { type DokkuServer, startDokkuServer } from "../support/dokku-server";

const SHARED = "restant-shared";
const REGISTRY = `restant:test-inventory:${process.pid}`;
/**
 * Production's and staging's fixed slots sit inside the scanned range on purpose: they must still not be listed. The
 * test Redis has 64 databases, and redis-slot.test.ts uses slots up to 55.
 */
const RANGE = { first: 56, last: 62 };
const FIXED = { main: 56, staging: 57 };

// Every name from infra/names.ts, as the stacks derive them.
const production = namesForSlug(slugForBranch("main"));
const staging = namesForSlug(slugForBranch("staging"));
/** A branch literally called `pr-9` gets a hashed slug: its names must not pass for preview 9's. */
const branch = namesForSlug(slugForBranch("pr-9"));
const seven = namesForSlug(slugForPullRequest(7));
const eight = namesForSlug(slugForPullRequest(8));

let server: DokkuServer;
let inventory: DokkuServerInventory;

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
const ssh = () => ({ host: server.host, port: server.port, user: "dokku" as const, hostKey: server.hostKey, privateKey: server.privateKey });
const overSsh = <T>(operation: (dokku: DokkuRunner) => Promise<T>) => withDokkuSession(ssh(), operation);
const sorted = (resources: ServerResource[]) =>
  resources.map((r) => `${r.kind} ${r.name} ${r.slug}`).sort();

const slots: Record<string, number> = {};

beforeAll(async () => {
  server = await startDokkuServer();
  inventory = new DokkuServerInventory({ ssh: ssh(), redis: { service: SHARED, registry: REGISTRY, range: RANGE } });
  await operator("redis:create", SHARED);
  for (const names of [production, staging, branch, seven, eight]) {
    await operator("apps:create", names.app);
    await operator("mysql:create", names.mysqlService);
    await operator("mysql:link", names.mysqlService, names.app, "--no-restart");
  }
  await overSsh(async (dokku) => {
    for (const [holder, slot] of Object.entries(FIXED)) {
      slots[holder] = (await claimSlot(dokku, { registry: REGISTRY, service: SHARED, holder, range: { first: slot, last: slot } })).slot;
    }
    for (const holder of [branch.slug, seven.slug, eight.slug]) {
      slots[holder] = (await claimSlot(dokku, { registry: REGISTRY, service: SHARED, holder, range: { first: 58, last: 62 } })).slot;
    }
  });
  for (const [holder, slot] of Object.entries(slots)) redis("-n", String(slot), "SET", `restant:${holder}:cache`, "x");
}, 300_000);

afterAll(async () => {
  for (const slot of Object.values(slots)) redis("-n", String(slot), "FLUSHDB");
  if (server) redis("DEL", REGISTRY);
  await server?.stop();
});

describe("DokkuServerInventory (over SSH, on the Dokku double, real MariaDB and Redis)", () => {
  it("lists only what is named for previews: never production's, staging's or a branch's", async () => {
    expect(sorted(await inventory.list())).toEqual(
      sorted([
        { kind: "app", name: seven.app, slug: "pr-7" },
        { kind: "app", name: eight.app, slug: "pr-8" },
        { kind: "mysql", name: seven.mysqlService, slug: "pr-7" },
        { kind: "mysql", name: eight.mysqlService, slug: "pr-8" },
        { kind: "redis-slot", name: String(slots["pr-7"]), slug: "pr-7" },
        { kind: "redis-slot", name: String(slots["pr-8"]), slug: "pr-8" },
      ]),
    );
  });

  it("refuses to remove a resource that is not the named preview's", async () => {
    await expect(inventory.remove({ kind: "app", name: production.app, slug: "pr-7" })).rejects.toThrow(/not preview pr-7's/);
    await expect(inventory.remove({ kind: "mysql", name: branch.mysqlService, slug: "pr-9" })).rejects.toThrow(/not preview pr-9's/);
    await expect(inventory.remove({ kind: "redis-slot", name: String(FIXED.main), slug: "main" })).rejects.toThrow(/not preview main's/);
    expect(await operator("apps:exists", production.app)).toBeDefined();
  });

  it("removes one preview's app, database and slot; the other preview and production stay; removing again is fine", async () => {
    const mine = (await inventory.list()).filter((r) => r.slug === "pr-7");
    expect(mine).toHaveLength(3);
    for (const resource of mine) await inventory.remove(resource);

    expect(sorted(await inventory.list())).toEqual(
      sorted([
        { kind: "app", name: eight.app, slug: "pr-8" },
        { kind: "mysql", name: eight.mysqlService, slug: "pr-8" },
        { kind: "redis-slot", name: String(slots["pr-8"]), slug: "pr-8" },
      ]),
    );
    // Gone on the server itself, and the slot flushed and freed in the registry.
    expect((await server.operator(["apps:exists", seven.app])).code).not.toBe(0);
    expect((await server.operator(["mysql:exists", seven.mysqlService])).code).not.toBe(0);
    expect(redis("HEXISTS", REGISTRY, String(slots["pr-7"]))).toBe("0");
    expect(redis("-n", String(slots["pr-7"]), "DBSIZE")).toBe("0");
    // Everyone else's untouched: apps, linked services, slot holders and their keys.
    for (const names of [production, staging, branch, eight]) {
      await operator("apps:exists", names.app);
      expect((await operator("mysql:links", names.mysqlService)).trim()).toBe(names.app);
      expect(redis("HGET", REGISTRY, String(slots[names.slug]))).toBe(names.slug);
      expect(redis("-n", String(slots[names.slug]), "GET", `restant:${names.slug}:cache`)).toBe("x");
    }

    // Idempotent: a second removal of the same things (a reaper run that lost its answer) succeeds and changes nothing.
    for (const resource of mine) await inventory.remove(resource);
    expect((await inventory.list()).filter((r) => r.slug === "pr-7")).toEqual([]);
    expect(redis("HGET", REGISTRY, String(slots["pr-8"]))).toBe("pr-8");
  });
});

describe("DokkuServerInventory and the warm pool (claimed members are their previews', never returned)", () => {
  const POOL = { registry: `restant:test-pool:${process.pid}`, redisService: SHARED, memberPattern: poolMemberPattern("restant-snapshot") };
  const claimedByNine = "restant-snapshot-pool-20260101000000-0009";
  const claimedByMain = "restant-snapshot-pool-20260101000000-000a";
  const ready = "restant-snapshot-pool-20260101000000-000b";
  let withPool: DokkuServerInventory;

  beforeAll(async () => {
    withPool = new DokkuServerInventory({ ssh: ssh(), redis: { service: SHARED, registry: REGISTRY, range: RANGE }, pool: POOL });
    const records: Record<string, object> = {
      [claimedByNine]: { state: "claimed", generation: "g1", holder: "pr-9" },
      [claimedByMain]: { state: "claimed", generation: "g1", holder: "main" },
      [ready]: { state: "ready", generation: "g1" },
    };
    for (const [member, record] of Object.entries(records)) {
      await operator("mysql:create", member);
      redis("HSET", POOL.registry, member, JSON.stringify(record));
    }
  }, 120_000);

  afterAll(() => {
    if (server) redis("DEL", POOL.registry);
  });

  it("lists a member a preview holds by its own name, and removing it destroys the service and forgets it", async () => {
    const members = (await withPool.list()).filter((r) => r.kind === "pool-member");
    expect(members).toEqual([{ kind: "pool-member", name: claimedByNine, slug: "pr-9" }]);
    await expect(withPool.remove({ kind: "pool-member", name: claimedByMain, slug: "pr-9" })).rejects.toThrow(/not preview pr-9's/);
    await expect(withPool.remove({ kind: "pool-member", name: ready, slug: "pr-9" })).rejects.toThrow(/not preview pr-9's/);

    await withPool.remove(members[0]!);
    expect((await server.operator(["mysql:exists", claimedByNine])).code).not.toBe(0);
    expect(redis("HEXISTS", POOL.registry, claimedByNine)).toBe("0");
    // Never returned to the pool, and nobody else's touched.
    expect(JSON.parse(redis("HGET", POOL.registry, ready))).toMatchObject({ state: "ready" });
    await operator("mysql:exists", claimedByMain);
    await operator("mysql:exists", ready);
    await withPool.remove(members[0]!);
  });
});
