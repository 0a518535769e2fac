import { describe, expect, it } from "vitest";
import type * as pulumi from "@pulumi/pulumi";
import { requireBuilt } from "../../support/built";

// A canary in the key variables before anything of the provider is loaded: captured at module level, it would be in state.
const KEY_CANARY = "-----BEGIN OPENSSH PRIVATE KEY-----canary-key-text";
process.env.DOKKU_SSH_PRIVATE_KEY = KEY_CANARY;
process.env.DOKKU_SSH_PRIVATE_KEY_PATH = "/nonexistent/canary-key-path";

type Harness = typeof import("../../support/serialized-provider");
const { asPulumiHostRunsIt } = requireBuilt<Harness>("test/support/serialized-provider.ts");
const { dokkuAppProvider } = requireBuilt<typeof import("../../../components/dokku/provider")>("components/dokku/provider.ts");
type AppProps = import("../../../components/dokku/app-model").AppProps;
type Provider = Required<pulumi.dynamic.ResourceProvider<AppProps, AppProps>>;

const HOST_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJdD7y3aLq454yWBdwLWbieU1ebz9/cu7/QEXn9OIeZJ";
const inputs = (more: Partial<AppProps> = {}): AppProps => ({
  connection: { host: "127.0.0.1", port: 1, user: "dokku", hostKey: HOST_KEY },
  appName: "restant-main",
  domains: ["restant.main.example.com"],
  config: { APP_ENV: "production", APP_KEY: "base64:sekret" },
  scale: { web: 1, worker: 0 },
  adopt: false,
  version: "1",
  ...more,
});

async function fromState(): Promise<{ text: string; provider: Provider }> {
  const { text, provider } = await asPulumiHostRunsIt(dokkuAppProvider);
  return { text, provider: provider as Provider };
}

describe("the DokkuApp provider as Pulumi stores and loads it", () => {
  it("holds no secret, no vitest import and nothing the serializer cannot carry", async () => {
    const { text } = await fromState();
    expect(text).not.toContain("__vite_ssr_import__");
    expect(text).not.toContain("canary-key");
    // ssh2 and node modules are required inside methods, never captured as values.
    expect(text).not.toMatch(/^var .*= require\(/m);
    // A captured Set or Map keeps its methods but loses its contents.
    expect(text).not.toMatch(/global\.(Set|Map|WeakMap|WeakSet)\.prototype/);
    expect(text).toContain('require("ssh2")');
  });

  it("fills defaults and refuses bad inputs in check, quoting no config value", async () => {
    const { provider } = await fromState();
    const { scale: _scale, adopt: _adopt, ...withoutDefaults } = inputs();
    const checked = await provider.check(inputs(), withoutDefaults as AppProps);
    expect(checked.failures).toEqual([]);
    expect(checked.inputs).toMatchObject({ scale: { web: 1, worker: 0 }, adopt: false });

    const bad = await provider.check(inputs(), {
      ...inputs(),
      appName: "Bad_Name",
      domains: ["ok.example.com", "not a domain"],
      config: { "1BAD": "secret-value-1", PULUMI_DOKKU_MANAGED_KEYS: "x", OK: "fine" },
      scale: { web: -1, worker: 1.5 },
      connection: { host: "", port: 70000, user: "admin" as "root", hostKey: "nope" },
    });
    expect(bad.failures!.map((failure) => failure.property).sort()).toEqual(
      ["appName", "config.1BAD", "config.PULUMI_DOKKU_MANAGED_KEYS", "connection.host", "connection.hostKey", "connection.port", "connection.user", "domains[1]", "scale.web", "scale.worker"].sort(),
    );
    expect(JSON.stringify(bad.failures)).not.toContain("secret-value-1");
  });

  it("lets unknown preview values through check", async () => {
    const { provider } = await fromState();
    const unknown = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
    const checked = await provider.check(inputs(), { ...inputs(), appName: unknown, config: unknown as unknown as Record<string, string> });
    expect(checked.failures).toEqual([]);
  });

  it("diffs per field: name and server replace (old app first), version and values update, adopt and domain order do not", async () => {
    const { provider } = await fromState();
    const base = inputs({ domains: ["a.example.com", "b.example.com"] });
    expect(await provider.diff("restant-main", base, inputs({ domains: ["b.example.com", "a.example.com"], adopt: true }))).toEqual({
      changes: false,
      replaces: [],
      deleteBeforeReplace: false,
    });
    expect(await provider.diff("restant-main", base, { ...base, appName: "restant-staging" })).toEqual({
      changes: true,
      replaces: ["appName"],
      deleteBeforeReplace: true,
    });
    expect((await provider.diff("x", base, { ...base, connection: { ...base.connection, host: "other" } })).replaces).toEqual(["connection"]);
    for (const change of [{ version: "2" }, { config: { APP_ENV: "production" } }, { scale: { web: 1, worker: 1 } }, { domains: ["a.example.com"] }]) {
      const diff = await provider.diff("restant-main", base, { ...base, ...change });
      expect(diff, JSON.stringify(change)).toMatchObject({ changes: true, replaces: [] });
    }
  });

  it("reads the key only when an operation runs, and says how to provide it", async () => {
    const { provider } = await fromState();
    delete process.env.DOKKU_SSH_PRIVATE_KEY;
    delete process.env.DOKKU_SSH_PRIVATE_KEY_PATH;
    await expect(provider.delete("restant-main", inputs())).rejects.toThrow(/DOKKU_SSH_PRIVATE_KEY/);
    process.env.DOKKU_SSH_PRIVATE_KEY_PATH = "/nonexistent/key";
    await expect(provider.delete("restant-main", inputs())).rejects.toThrow(/DOKKU_SSH_PRIVATE_KEY_PATH names a file that cannot be read \(ENOENT\)/);
  });
});
