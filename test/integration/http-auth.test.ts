import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requireBuilt } from "../support/built";
import { type DokkuServer, startDokkuServer } from "../support/dokku-server";
import type { Stored } from "../support/provider-steps";

type ProviderModule = typeof import("../../components/dokku/access/http-auth-provider");
type HttpAuthInputs = import("../../components/dokku/access/http-auth-provider").HttpAuthInputs;
type HttpAuthOutputs = import("../../components/dokku/access/http-auth-provider").HttpAuthOutputs;

// The provider as Pulumi's host runs it: tsc output, serialized into "state", loaded back from that text.
const { asPulumiHostRunsIt } = requireBuilt<typeof import("../support/serialized-provider")>("test/support/serialized-provider.ts");
const { up, refresh } = requireBuilt<typeof import("../support/provider-steps")>("test/support/provider-steps.ts");
const { httpAuthProvider } = requireBuilt<ProviderModule>("components/dokku/access/http-auth-provider.ts");

let server: DokkuServer;
let provider: Required<import("@pulumi/pulumi").dynamic.ResourceProvider<HttpAuthInputs, HttpAuthOutputs>>;
let serializedText: string;

beforeAll(async () => {
  server = await startDokkuServer();
  process.env.DOKKU_SSH_PRIVATE_KEY = server.privateKey;
  const loaded = await asPulumiHostRunsIt(httpAuthProvider);
  provider = loaded.provider as typeof provider;
  serializedText = loaded.text;
});
afterAll(async () => {
  delete process.env.DOKKU_SSH_PRIVATE_KEY;
  await server?.stop();
});

const password = () => randomBytes(18).toString("base64url");
const wanted = (app: string, more: Partial<HttpAuthInputs> = {}): HttpAuthInputs => ({
  version: 1,
  target: { host: server.host, port: server.port, user: "dokku", hostKey: server.hostKey },
  app,
  user: "restant",
  password: password(),
  ...more,
});

/** The plugin's own view, asked by an admin on the server. */
async function onServer(app: string): Promise<{ enabled: string; users: string }> {
  const result = await server.operator(["http-auth:report", app]);
  if (result.code !== 0) throw new Error(result.stderr);
  const value = (label: string) => new RegExp(`^\\s*${label}\\s+(.*)$`, "m").exec(result.stdout)?.[1].trim() ?? "";
  return { enabled: value("Http auth enabled"), users: value("Http auth users") };
}

const providerCommands = () => server.commands().filter((command) => command.user === "dokku");

describe("HttpAuth (serialized provider, over SSH, against the Dokku double)", () => {
  it("lives a whole life: create, read, no-op diff, drift repaired, delete, delete again", async () => {
    await server.operator(["apps:create", "restant-pr-3"]);
    const inputs = wanted("restant-pr-3");
    let stored: Stored<HttpAuthOutputs> = await up(provider, undefined, inputs);
    expect(stored).toMatchObject({ id: "restant-pr-3", outs: { enabled: true, user: "restant" } });
    expect(await onServer("restant-pr-3")).toEqual({ enabled: "true", users: "restant" });

    // Read sees what is there; the same inputs again are no change, and nothing is run that changes the server.
    server.resetCounters();
    stored = (await refresh(provider, stored))!;
    expect(stored.outs.enabled).toBe(true);
    expect((await provider.diff(stored.id, stored.outs, inputs)).changes).toBe(false);
    expect(providerCommands().map((c) => c.argv[0])).toEqual(["http-auth:report", "http-auth:report"]);

    // Drift: an admin switches basic auth off. Read says so, the diff wants a change, the update puts it back.
    await server.operator(["http-auth:disable", "restant-pr-3"]);
    stored = (await refresh(provider, stored))!;
    expect(stored.outs.enabled).toBe(false);
    expect((await provider.diff(stored.id, stored.outs, inputs)).changes).toBe(true);
    stored = await up(provider, stored, inputs);
    expect(await onServer("restant-pr-3")).toEqual({ enabled: "true", users: "restant" });

    // A new user name replaces the old one on the server, not beside it.
    stored = await up(provider, stored, { ...inputs, user: "reviewer" });
    expect((await onServer("restant-pr-3")).users).toBe("reviewer");

    await provider.delete(stored.id, stored.outs);
    expect((await onServer("restant-pr-3")).enabled).toBe("false");
    await provider.delete(stored.id, stored.outs);
    await server.operator(["apps:destroy", "--force", "restant-pr-3"]);
    expect(await provider.read(stored.id, stored.outs)).toEqual({ id: "" }); // gone: an empty id and no props
    await provider.delete(stored.id, stored.outs); // the app itself gone: still nothing to do, no error
  });

  it("keeps the password out of the serialized provider, the server's state and every error", async () => {
    const inputs = wanted("restant-missing");
    expect(serializedText).not.toContain(server.privateKey.split("\n")[1]);
    const error = (await up(provider, undefined, inputs).catch((e: unknown) => e)) as Error;
    expect(error.message).toMatch(/App restant-missing does not exist/);
    expect(error.message).not.toContain(inputs.password);
    await server.operator(["apps:create", "restant-pr-4"]);
    const stored = await up(provider, undefined, wanted("restant-pr-4", { password: inputs.password }));
    const { readFileSync } = await import("node:fs");
    expect(readFileSync(`${server.stateDir}/state.json`, "utf8")).not.toContain(inputs.password);
    await provider.delete(stored.id, stored.outs);
  });

  it("refuses a short password and a user name htpasswd cannot hold, naming the field", async () => {
    const checked = await provider.check(wanted("x"), wanted("x", { user: "a b", password: "short" }));
    expect(checked.failures).toEqual([
      { property: "user", reason: "must be 1-64 of [A-Za-z0-9_.-]" },
      { property: "password", reason: "must be at least 16 characters" },
    ]);
  });
});
