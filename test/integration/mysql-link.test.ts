import type * as pulumi from "@pulumi/pulumi";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requireBuilt } from "../support/built";
import { type DokkuServer, startDokkuServer } from "../support/dokku-server";

type Harness = typeof import("../support/serialized-provider");
type ProviderModule = typeof import("../../components/dokku/mysql/mysql-link-provider");

const { asPulumiHostRunsIt } = requireBuilt<Harness>("test/support/serialized-provider.ts");
const { mysqlLinkProvider } = requireBuilt<ProviderModule>("components/dokku/mysql/mysql-link-provider.ts");

let server: DokkuServer;
let provider: Required<pulumi.dynamic.ResourceProvider>;

const inputs = (service: string, app: string) => ({ version: 1, target: { host: server.host, port: server.port, user: "dokku" as const, hostKey: server.hostKey }, service, app });
const operator = async (...args: string[]) => {
  const result = await server.operator(args);
  if (result.code !== 0) throw new Error(`dokku ${args.join(" ")} exited ${result.code}: ${result.stderr}`);
  return result.stdout;
};
const links = async (service: string) => (await operator("mysql:links", service)).split("\n").filter((l) => l.trim() !== "");

beforeAll(async () => {
  server = await startDokkuServer();
  process.env.DOKKU_SSH_PRIVATE_KEY = server.privateKey;
  ({ provider } = (await asPulumiHostRunsIt(mysqlLinkProvider)) as { provider: Required<pulumi.dynamic.ResourceProvider> });
  await operator("mysql:create", "restant-pr-7");
  await operator("apps:create", "restant-pr-7");
});

afterAll(async () => {
  delete process.env.DOKKU_SSH_PRIVATE_KEY;
  await server?.stop();
});

describe("MysqlLink (serialized provider, over SSH, on the Dokku double)", () => {
  it("links the clone to the app, sees an unlink as gone, relinks on update, and unlinks on delete leaving the data", async () => {
    const created = await provider.create(inputs("restant-pr-7", "restant-pr-7"));
    expect(await links("restant-pr-7")).toEqual(["restant-pr-7"]);
    expect(await operator("config:get", "restant-pr-7", "DATABASE_URL")).toMatch(/^mysql:\/\//);
    expect((await provider.read(created.id, created.outs)).id).toBe(created.id);

    await operator("mysql:unlink", "restant-pr-7", "restant-pr-7");
    expect((await provider.read(created.id, created.outs)).id).toBe("");
    await provider.update(created.id, created.outs, created.outs);
    expect(await links("restant-pr-7")).toEqual(["restant-pr-7"]);

    await provider.delete(created.id, created.outs);
    expect(await links("restant-pr-7")).toEqual([]);
    await operator("mysql:exists", "restant-pr-7");
    await provider.delete(created.id, created.outs);
  });

  it("fails to link an app that does not exist, and checks names before any command", async () => {
    await expect(provider.create(inputs("restant-pr-7", "restant-pr-99"))).rejects.toThrow(/restant-pr-99/);
    const { failures } = await provider.check({}, inputs("pr 7; rm", "PR_7"));
    expect((failures ?? []).map((f) => f.property).sort()).toEqual(["app", "service"]);
  });
});
