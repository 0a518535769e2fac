import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requireBuilt } from "../support/built";
import { type DokkuServer, startDokkuServer } from "../support/dokku-server";
import type { Stored } from "../support/provider-steps";

type ProviderModule = typeof import("../../components/dokku/redis/redis-service-provider");
type RedisServiceInputs = import("../../components/dokku/redis/redis-service-provider").RedisServiceInputs;
type RedisServiceOutputs = import("../../components/dokku/redis/redis-service-provider").RedisServiceOutputs;

// The provider as Pulumi's host runs it: tsc output, serialized into "state", loaded back from that text.
const { asPulumiHostRunsIt } = requireBuilt<typeof import("../support/serialized-provider")>("test/support/serialized-provider.ts");
const { up, refresh } = requireBuilt<typeof import("../support/provider-steps")>("test/support/provider-steps.ts");
const { redisServiceProvider } = requireBuilt<ProviderModule>("components/dokku/redis/redis-service-provider.ts");

let server: DokkuServer;
let provider: Required<import("@pulumi/pulumi").dynamic.ResourceProvider<RedisServiceInputs, RedisServiceOutputs>>;

beforeAll(async () => {
  server = await startDokkuServer();
  process.env.DOKKU_SSH_PRIVATE_KEY = server.privateKey;
  provider = (await asPulumiHostRunsIt(redisServiceProvider)).provider as typeof provider;
});
afterAll(async () => {
  delete process.env.DOKKU_SSH_PRIVATE_KEY;
  await server?.stop();
});

const wanted = (service: string, more: Partial<RedisServiceInputs> = {}): RedisServiceInputs => ({
  version: 1,
  target: { host: server.host, port: server.port, user: "dokku", hostKey: server.hostKey },
  service,
  databases: 64,
  ...more,
});
const operator = async (...args: string[]) => {
  const result = await server.operator(args);
  if (result.code !== 0) throw new Error(`dokku ${args.join(" ")} exited ${result.code}: ${result.stderr}`);
  return result.stdout;
};
const exists = async (service: string) => (await server.operator(["redis:exists", service])).code === 0;

describe("RedisService (serialized provider, over SSH, against the Dokku double on the test Redis)", () => {
  it("lives a whole life: create, read, no-op diff, links seen, drift, delete refused while linked, delete twice", async () => {
    const inputs = wanted("restant-shared");
    let stored: Stored<RedisServiceOutputs> = await up(provider, undefined, inputs);
    expect(stored).toMatchObject({ id: "restant-shared", outs: { linkedApps: [] } });
    expect(server.commands().find((c) => c.argv[0] === "redis:create")?.argv).toEqual([
      "redis:create",
      "restant-shared",
      "--config-options",
      "--databases 64",
    ]);

    stored = (await refresh(provider, stored))!;
    expect(stored.outs).toEqual({ ...inputs, linkedApps: [] });
    expect((await provider.diff(stored.id, stored.outs, inputs)).changes).toBe(false);
    // A new database count cannot be applied to a running service: it is a new service.
    expect(await provider.diff(stored.id, stored.outs, { ...inputs, databases: 128 })).toMatchObject({ changes: true, replaces: ["service"] });

    // Environments link their apps to it; read sees them, and delete refuses to take their cache and queues.
    await operator("apps:create", "restant-pr-5");
    await operator("redis:link", "restant-shared", "restant-pr-5", "--no-restart");
    stored = (await refresh(provider, stored))!;
    expect(stored.outs.linkedApps).toEqual(["restant-pr-5"]);
    expect((await provider.diff(stored.id, stored.outs, inputs)).changes).toBe(false);
    await expect(provider.delete(stored.id, stored.outs)).rejects.toThrow(
      /refusing to destroy the shared Redis restant-shared: still linked to restant-pr-5/,
    );
    expect(await exists("restant-shared")).toBe(true);

    await operator("redis:unlink", "restant-shared", "restant-pr-5");
    await provider.delete(stored.id, stored.outs);
    expect(await exists("restant-shared")).toBe(false);
    await provider.delete(stored.id, stored.outs);
    expect(await provider.read(stored.id, stored.outs)).toEqual({ id: "" }); // gone: an empty id and no props
  });

  it("sees a service destroyed by hand as gone, so the next up creates it again", async () => {
    const inputs = wanted("restant-drift");
    const stored = await up(provider, undefined, inputs);
    await operator("redis:destroy", "restant-drift", "--force");
    expect(await refresh(provider, stored)).toBeUndefined();
    const again = await up(provider, undefined, inputs);
    expect(again.id).toBe("restant-drift");
    expect(await exists("restant-drift")).toBe(true);
    await provider.delete(again.id, again.outs);
  });

  it("never adopts a service it did not create", async () => {
    await operator("redis:create", "restant-theirs");
    await expect(up(provider, undefined, wanted("restant-theirs"))).rejects.toThrow(
      /the Redis service restant-theirs already exists; import it into the platform stack/,
    );
    expect(await exists("restant-theirs")).toBe(true);
    await operator("redis:destroy", "restant-theirs", "--force");
  });
});
