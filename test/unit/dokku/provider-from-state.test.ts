import { utils } from "ssh2";
import { describe, expect, it } from "vitest";
import type * as pulumi from "@pulumi/pulumi";
import { requireBuilt, requireBuiltFresh } from "../../support/built";

// A canary in the key variables before anything of the provider is loaded: captured at module level, it would be in state.
const KEY_CANARY = "-----BEGIN OPENSSH PRIVATE KEY-----canary-key-text";
process.env.DOKKU_SSH_PRIVATE_KEY = KEY_CANARY;
process.env.DOKKU_SSH_PRIVATE_KEY_PATH = "/nonexistent/canary-key-path";

type Harness = typeof import("../../support/serialized-provider");
const { asPulumiHostRunsIt } = requireBuilt<Harness>("test/support/serialized-provider.ts");
const { dokkuAppProvider } = requireBuiltFresh<typeof import("../../../components/dokku/app/app-provider")>("components/dokku/app/app-provider.ts");
type AppProps = import("../../../components/dokku/app/app-model").AppProps;
type Provider = Required<pulumi.dynamic.ResourceProvider<AppProps, AppProps>>;

const HOST_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJdD7y3aLq454yWBdwLWbieU1ebz9/cu7/QEXn9OIeZJ";
const inputs = (more: Partial<AppProps> = {}): AppProps => ({
  target: { host: "127.0.0.1", port: 1, user: "dokku", hostKey: HOST_KEY },
  appName: "restant-main",
  domains: ["restant.main.example.com"],
  config: { APP_ENV: "production", APP_KEY: "base64:sekret" },
  scale: { web: 1, worker: 0 },
  adopt: false,
  version: 1,
  ...more,
});

let stored: Promise<{ text: string; provider: Provider }> | undefined;

/** The provider serialized once (about a second of the closure serializer) and loaded back, shared by the tests. */
function fromState(): Promise<{ text: string; provider: Provider }> {
  stored ??= asPulumiHostRunsIt(dokkuAppProvider).then(({ text, provider }) => ({ text, provider: provider as Provider }));
  return stored;
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
    // A class extending Error loses its message (super() becomes Error.call(this)) and new.target is undefined.
    expect(text).not.toMatch(/__super: global\.Error|new\.target/);
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
      target: { host: "", port: 70000, user: "admin" as "root", hostKey: "nope" },
    });
    expect(bad.failures!.map((failure) => failure.property).sort()).toEqual(
      ["appName", "config.1BAD", "config.PULUMI_DOKKU_MANAGED_KEYS", "target.host", "target.hostKey", "target.port", "target.user", "domains[1]", "scale.web", "scale.worker"].sort(),
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
    expect((await provider.diff("x", base, { ...base, target: { ...base.target, host: "other" } })).replaces).toEqual(["target"]);
    for (const change of [{ version: 2 }, { config: { APP_ENV: "production" } }, { scale: { web: 1, worker: 1 } }, { domains: ["a.example.com"] }]) {
      const diff = await provider.diff("restant-main", base, { ...base, ...change });
      expect(diff, JSON.stringify(change)).toMatchObject({ changes: true, replaces: [] });
    }
  });

  it("reads state stored when the input was called `connection` as `target`: no replace, no update from the rename", async () => {
    const { provider } = await fromState();
    const { target, ...rest } = inputs();
    // What production's state holds: the outputs of the last create/update, server under `connection`.
    const stored = { ...rest, connection: target } as unknown as AppProps;
    expect(await provider.diff("restant-main", stored, inputs())).toEqual({ changes: false, replaces: [], deleteBeforeReplace: false });
    // A caller still passing `connection` is told the new name.
    expect((await provider.check(stored, stored)).failures).toEqual([{ property: "target", reason: expect.stringContaining("is now called `target`") }]);
    // The old server is still read from `connection`: another host is another app, another host key an update.
    expect(await provider.diff("restant-main", stored, inputs({ target: { ...target, host: "10.0.0.9" } }))).toEqual({ changes: true, replaces: ["target"], deleteBeforeReplace: true });
    expect(await provider.diff("restant-main", stored, inputs({ target: { ...target, hostKey: `${HOST_KEY}x` } }))).toMatchObject({ changes: true, replaces: [] });
  });

  it("keeps typed errors whole in the serialized code: message, name, kind and fields", async () => {
    // Pulumi's serializer rewrites class constructors (super() loses the message, new.target is undefined): the
    // errors are plain Error objects, and this proves they survive the trip.
    const { dokkuErrorFromResult } = requireBuilt<typeof import("../../../components/dokku/client/errors/from-result")>("components/dokku/client/errors/from-result.ts");
    const { isAppMissing } = requireBuilt<typeof import("../../../components/dokku/client/errors/command-errors")>("components/dokku/client/errors/command-errors.ts");
    const thrower = {
      async create() {
        throw dokkuErrorFromResult("config:export", 20, " !     App gone does not exist\n");
      },
      async delete() {
        if (!isAppMissing(dokkuErrorFromResult("apps:destroy", 20, ""))) throw new Error("not recognised");
      },
    };
    const { provider } = await asPulumiHostRunsIt(thrower as unknown as pulumi.dynamic.ResourceProvider);
    const failure = await provider.create({}).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(Error);
    expect(failure).toMatchObject({
      name: "DokkuCommandError",
      kind: "app-missing",
      exitCode: 20,
      message: "dokku config:export failed (exit 20): App gone does not exist",
    });
    await expect(provider.delete!("x", {})).resolves.toBeUndefined();
  });

  it("fails a connection it cannot make with a whole, typed error", async () => {
    const { provider } = await fromState();
    process.env.DOKKU_SSH_PRIVATE_KEY = "not a key";
    const unparsable = await provider.read("restant-main", inputs()).catch((error: unknown) => error);
    expect(unparsable).toMatchObject({ name: "DokkuSshError", reason: "auth", message: expect.stringMatching(/^the SSH private key for 127\.0\.0\.1:1 cannot be used/) });
    process.env.DOKKU_SSH_PRIVATE_KEY = utils.generateKeyPairSync("ed25519").private;
    const refused = await provider.read("restant-main", inputs()).catch((error: unknown) => error);
    expect(refused).toMatchObject({ name: "DokkuSshError", reason: "connect", message: expect.stringMatching(/^could not connect to 127\.0\.0\.1:1: /) });
    expect((refused as Error).message).not.toContain("PRIVATE KEY");
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
