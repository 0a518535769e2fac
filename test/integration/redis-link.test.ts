import type * as pulumi from "@pulumi/pulumi";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requireBuilt } from "../support/built";
import { type DokkuServer, startDokkuServer } from "../support/dokku-server";

type Harness = typeof import("../support/serialized-provider");
type ProviderModule = typeof import("../../components/dokku/redis/redis-link-provider");

const { asPulumiHostRunsIt } = requireBuilt<Harness>("test/support/serialized-provider.ts");
const { redisLinkProvider } = requireBuilt<ProviderModule>("components/dokku/redis/redis-link-provider.ts");

let server: DokkuServer;
let provider: Required<pulumi.dynamic.ResourceProvider>;

const target = () => ({ host: server.host, port: server.port, user: "dokku" as const, hostKey: server.hostKey });
const inputs = (service: string, app: string) => ({ version: 1, target: target(), service, app });
const operator = async (...args: string[]) => {
  const result = await server.operator(args);
  if (result.code !== 0) throw new Error(`dokku ${args.join(" ")} exited ${result.code}: ${result.stderr}`);
  return result.stdout;
};
const links = async (service: string) => (await operator("redis:links", service)).split("\n").filter((l) => l.trim() !== "");

beforeAll(async () => {
  server = await startDokkuServer();
  process.env.DOKKU_SSH_PRIVATE_KEY = server.privateKey;
  ({ provider } = (await asPulumiHostRunsIt(redisLinkProvider)) as { provider: Required<pulumi.dynamic.ResourceProvider> });
  await operator("redis:create", "restant-main");
  await operator("redis:create", "restant-previews");
  await operator("apps:create", "restant-main");
});

afterAll(async () => {
  delete process.env.DOKKU_SSH_PRIVATE_KEY;
  await server?.stop();
});

describe("RedisLink (serialized provider, over SSH, on the Dokku double)", () => {
  it("links production to its own service only, sees an unlink as gone, and unlinks on delete without touching the service", async () => {
    const created = await provider.create(inputs("restant-main", "restant-main"));
    expect(created.id).toBe("restant-main/restant-main");
    expect(await links("restant-main")).toEqual(["restant-main"]);
    expect(await links("restant-previews")).toEqual([]);
    expect(await operator("config:get", "restant-main", "REDIS_URL")).toMatch(/^redis:\/\//);
    expect((await provider.read(created.id, created.outs)).id).toBe(created.id);

    await operator("redis:unlink", "restant-main", "restant-main");
    expect((await provider.read(created.id, created.outs)).id).toBe("");
    await provider.update(created.id, created.outs, created.outs);
    expect(await links("restant-main")).toEqual(["restant-main"]);

    await provider.delete(created.id, created.outs);
    expect(await links("restant-main")).toEqual([]);
    await operator("redis:exists", "restant-main");
    // A second delete (the app or link already gone) is no error.
    await provider.delete(created.id, created.outs);
  });

  it("refuses to link a service the platform stack has not declared, saying what to run", async () => {
    await expect(provider.create(inputs("restant-staging", "restant-main"))).rejects.toThrow(
      /the Redis service restant-staging does not exist.*pulumi up -s platform/,
    );
    expect(await links("restant-main")).toEqual([]);
  });

  it("refuses names that are not dokku names before any command", async () => {
    const { failures } = await provider.check({}, inputs("restant main; rm", "Restant_Main"));
    expect((failures ?? []).map((f) => f.property).sort()).toEqual(["app", "service"]);
  });
});
