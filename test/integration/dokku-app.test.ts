import { randomBytes } from "node:crypto";
import { chmodSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type * as pulumi from "@pulumi/pulumi";
import { utils } from "ssh2";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { requireBuilt } from "../support/built";
import { DokkuServer, startDokkuServer } from "../support/dokku-server";
import { startLatencyProxy } from "../support/latency-proxy";

// The provider exactly as Pulumi's host runs it: tsc output, serialized into "state", loaded back from that text.
type Harness = typeof import("../support/serialized-provider");
const { asPulumiHostRunsIt } = requireBuilt<Harness>("test/support/serialized-provider.ts");
const { dokkuAppProvider } = requireBuilt<typeof import("../../components/dokku/app/app-provider")>("components/dokku/app/app-provider.ts");
type AppProps = import("../../components/dokku/app/app-model").AppProps;
type Provider = Required<pulumi.dynamic.ResourceProvider<AppProps, AppProps>>;

/** What a resource looks like in state between operations. */
interface Stored {
  id: string;
  outs: AppProps;
}

const READ_ONLY = ["apps:exists", "config:export", "domains:report", "ps:report"];
const MARKER = "PULUMI_DOKKU_MANAGED_KEYS";

let server: DokkuServer;
let provider: Provider;
let serializedText: string;
let canaryDir: string;

beforeAll(async () => {
  server = await startDokkuServer();
  const loaded = await asPulumiHostRunsIt(dokkuAppProvider);
  provider = loaded.provider as Provider;
  serializedText = loaded.text;
  canaryDir = mkdtempSync(path.join(os.tmpdir(), "dokku-app-canary-"));
  chmodSync(canaryDir, 0o777);
});
afterAll(async () => {
  await server?.stop();
  if (canaryDir) rmSync(canaryDir, { recursive: true, force: true });
});
beforeEach(() => {
  // Read by the provider at each call, as in CI; never an input.
  process.env.DOKKU_SSH_PRIVATE_KEY = server.privateKey;
  delete process.env.DOKKU_SSH_PRIVATE_KEY_PATH;
  server.clearFaults();
  server.resetCounters();
});

const desired = (appName: string, more: Partial<AppProps> = {}): AppProps => ({
  target: { host: server.host, port: server.port, user: "dokku", hostKey: server.hostKey },
  appName,
  domains: [`${appName}.example.com`, `www.${appName}.example.com`],
  config: { APP_ENV: "production", APP_DEBUG: "false", APP_KEY: `base64:${randomBytes(32).toString("base64")}` },
  scale: { web: 1, worker: 1 },
  adopt: false,
  version: 1,
  ...more,
});

/** `pulumi up` for one resource, as the engine drives a dynamic provider: check, then create or diff + update. */
async function up(stored: Stored | undefined, wanted: AppProps): Promise<Stored> {
  const checked = await provider.check(stored?.outs ?? wanted, wanted);
  expect(checked.failures ?? []).toEqual([]);
  const inputs = checked.inputs as AppProps;
  if (!stored) {
    const created = await provider.create(inputs);
    return { id: created.id, outs: created.outs as AppProps };
  }
  const diff = await provider.diff(stored.id, stored.outs, inputs);
  if (!diff.changes) return stored;
  const updated = await provider.update(stored.id, stored.outs, inputs);
  return { id: stored.id, outs: updated.outs as AppProps };
}

/** The app on the server, asked by an admin there (not through the provider). */
async function onServer(app: string): Promise<{ config: Record<string, string>; domains: string[]; scale: Record<string, number> }> {
  const run = async (args: string[]) => {
    const result = await server.operator(args);
    if (result.code !== 0) throw new Error(`${args.join(" ")}: ${result.stderr}`);
    return JSON.parse(result.stdout) as unknown;
  };
  const config = (await run(["config:export", "--format", "json", app])) as Record<string, string>;
  const domains = ((await run(["domains:report", app, "--format", "json"])) as Record<string, string>)["app-vhosts"];
  const formation = (await run(["ps:scale", app, "--format", "json"])) as { process_type: string; quantity: number }[];
  return { config, domains: domains.split(" ").filter(Boolean), scale: Object.fromEntries(formation.map((p) => [p.process_type, p.quantity])) };
}

const providerCommands = () => server.commands().filter((command) => command.user === "dokku");
const isMutating = (argv: string[]) => !READ_ONLY.includes(argv[0]) && !(argv[0] === "ps:scale" && argv.includes("--format"));
const mutating = () => providerCommands().filter((command) => isMutating(command.argv));

/** Mark the app deployed (a release running), so config changes restart it as on a real server. */
async function deploy(app: string): Promise<void> {
  expect((await server.operator(["git:sync", "--build", app, "https://example.com/restant.git", "main"])).code).toBe(0);
  server.resetCounters();
}

describe("DokkuApp over real SSH, run from its serialized text", () => {
  it("lives a whole life: create, read without drift, one key, nothing, delete, delete again", async () => {
    const wanted = desired("life");
    let stored = await up(undefined, wanted);
    expect(stored.id).toBe("life");
    const created = await onServer("life");
    expect(created.config).toMatchObject(wanted.config);
    expect(created.config[MARKER]).toBe("v1:APP_DEBUG,APP_ENV,APP_KEY");
    expect(created.domains.sort()).toEqual([...wanted.domains].sort());
    expect(created.scale).toEqual({ web: 1, worker: 1 });
    const createCommands = mutating().map((command) => command.argv[0]);
    expect(createCommands).toEqual(["apps:create", "config:set", "domains:set", "ps:scale"]);
    expect(mutating()[1].argv.slice(0, 3)).toEqual(["config:set", "--no-restart", "--encoded"]);

    server.resetCounters();
    const read = await provider.read(stored.id, stored.outs);
    expect(read).toEqual({ id: "life", props: expect.objectContaining({ config: wanted.config, scale: wanted.scale }), inputs: read.props });
    expect((await provider.diff(read.id!, read.props!, wanted)).changes).toBe(false);
    expect(mutating()).toEqual([]);
    stored = { id: read.id!, outs: read.props! };

    await deploy("life");
    stored = await up(stored, { ...wanted, config: { ...wanted.config, APP_DEBUG: "true" } });
    expect(mutating().map((command) => command.argv.slice(0, 3))).toEqual([["config:set", "--encoded", "life"]]);
    expect(server.restarts("life")).toBe(1);
    expect((await onServer("life")).config.APP_DEBUG).toBe("true");

    server.resetCounters();
    const again = await up(stored, stored.outs);
    expect(again).toBe(stored);
    await provider.update(stored.id, stored.outs, stored.outs);
    expect(mutating()).toEqual([]);
    expect(server.restarts("life")).toBe(0);

    await provider.delete(stored.id, stored.outs);
    expect((await server.operator(["apps:exists", "life"])).code).toBe(20);
    await provider.delete(stored.id, stored.outs);
    expect((await provider.read(stored.id, stored.outs)).id).toBe("");
  });

  it("sees drift made by hand, and the next diff and update repair it", async () => {
    const wanted = desired("drift");
    let stored = await up(undefined, wanted);
    await server.operator(["config:set", "--no-restart", "drift", "APP_ENV=hacked", "FOO=set-by-hand"]);
    await server.operator(["domains:remove", "drift", "www.drift.example.com"]);
    await server.operator(["ps:scale", "--skip-deploy", "drift", "worker=3"]);

    const read = await provider.read(stored.id, stored.outs);
    expect(read.props!.config.APP_ENV).toBe("hacked");
    // Vars set by others (service links, admins) are not this resource's: no drift, never removed.
    expect(read.props!.config).not.toHaveProperty("FOO");
    expect(read.props!.domains).toEqual(["drift.example.com"]);
    expect(read.props!.scale).toEqual({ web: 1, worker: 3 });
    expect((await provider.diff(read.id!, read.props!, wanted)).changes).toBe(true);

    await deploy("drift");
    stored = await up({ id: read.id!, outs: read.props! }, wanted);
    const repaired = await onServer("drift");
    expect(repaired.config).toMatchObject({ ...wanted.config, FOO: "set-by-hand" });
    expect(repaired.domains.sort()).toEqual([...wanted.domains].sort());
    expect(repaired.scale).toEqual({ web: 1, worker: 1 });
    expect(server.restarts("drift")).toBe(1);
    const reread = await provider.read(stored.id, stored.outs);
    expect((await provider.diff(reread.id!, reread.props!, wanted)).changes).toBe(false);

    await server.operator(["apps:destroy", "--force", "drift"]);
    expect(await provider.read(stored.id, stored.outs)).toEqual({ id: "" }); // gone: an empty id and no props
  });

  it("removes a key it set, leaves keys others set, and changes scale alone without touching config", async () => {
    const wanted = desired("keys");
    let stored = await up(undefined, wanted);
    await server.operator(["config:set", "--no-restart", "keys", "DATABASE_URL=mysql://linked"]);
    await deploy("keys");
    const { APP_DEBUG: _dropped, ...fewer } = wanted.config;
    stored = await up(stored, { ...wanted, config: fewer });
    expect(mutating().map((command) => command.argv[0])).toEqual(["config:set", "config:unset"]);
    expect(server.restarts("keys")).toBe(1);
    const after = await onServer("keys");
    expect(after.config).not.toHaveProperty("APP_DEBUG");
    expect(after.config.DATABASE_URL).toBe("mysql://linked");

    server.resetCounters();
    stored = await up(stored, { ...wanted, config: fewer, scale: { web: 2, worker: 0 } });
    expect(mutating().map((command) => command.argv)).toEqual([["ps:scale", "keys", "web=2", "worker=0"]]);
    expect(server.restarts("keys")).toBeLessThanOrEqual(1);
    expect((await onServer("keys")).scale).toEqual({ web: 2, worker: 0 });
    await provider.delete(stored.id, stored.outs);
  });

  it("does not scale a worker the deployed Procfile lacks: it refuses, naming the field, and changes nothing", async () => {
    const wanted = desired("procfile", { scale: { web: 1, worker: 0 } });
    let stored = await up(undefined, wanted);
    server.describeRepository("https://example.com/web-only.git", { procfile: ["web"] });
    expect((await server.operator(["git:sync", "--build", "procfile", "https://example.com/web-only.git", "main"])).code).toBe(0);
    const before = await onServer("procfile");
    server.resetCounters();

    // A worker, a config change and a new domain at once: the refusal comes before any of it reaches the app.
    const more = { ...wanted, scale: { web: 2, worker: 1 }, config: { ...wanted.config, APP_DEBUG: "true" }, domains: [...wanted.domains, "extra.example.com"] };
    const refused = (await up(stored, more).catch((error: unknown) => error)) as Error;
    expect(refused.message).toMatch(
      /^scale\.worker: the code deployed to Dokku app procfile has no "worker" process in its Procfile, .*set scale\.worker to 0 or add a "worker:" line to the Procfile\. Nothing on the server was changed\.$/,
    );
    expect(refused.message).not.toContain(wanted.config.APP_KEY);
    expect(await onServer("procfile")).toEqual(before);
    expect(server.restarts("procfile")).toBe(0);

    // The same change without the worker goes through.
    stored = await up(stored, { ...more, scale: { web: 2, worker: 0 } });
    expect((await onServer("procfile")).scale).toEqual({ web: 2, worker: 0 });
    await provider.delete(stored.id, stored.outs);
  });

  it("sets its domains on an app whose vhosts are off under a global VHOST, where one domains:set would lose them", async () => {
    await server.operator(["apps:create", "legacy"]); // made before the server had a global VHOST: NO_VHOST=1
    await server.operator(["domains:set-global", "apps.example.org"]);
    try {
      const wanted = desired("legacy");
      const stored = await up(undefined, wanted);
      expect((await onServer("legacy")).domains.sort()).toEqual([...wanted.domains].sort());
      expect(mutating().filter((command) => command.argv[0] === "domains:set")).toHaveLength(2);
      const read = await provider.read(stored.id, stored.outs);
      expect((await provider.diff(read.id!, read.props!, wanted)).changes).toBe(false);
      await provider.delete(stored.id, stored.outs);
    } finally {
      await server.operator(["domains:clear-global"]);
    }
  });

  it("refuses an existing app it did not create unless told to adopt it", async () => {
    await server.operator(["apps:create", "theirs"]);
    await server.operator(["config:set", "--no-restart", "theirs", "OWNER=someone-else"]);
    const wanted = desired("theirs");
    const refused = (await provider.create(wanted).catch((error: unknown) => error)) as Error;
    expect(refused.message).toMatch(/theirs already exists .* was not created by Pulumi; set adopt: true/);
    expect(refused.message).not.toContain(wanted.config.APP_KEY);
    expect((await onServer("theirs")).config).toEqual({ NO_VHOST: "1", OWNER: "someone-else" });

    const adopted = await up(undefined, { ...wanted, adopt: true });
    expect((await onServer("theirs")).config).toMatchObject({ ...wanted.config, OWNER: "someone-else" });
    await provider.delete(adopted.id, adopted.outs);
  });

  it("works as root running `dokku <args>` too", async () => {
    const wanted = desired("as-root", { target: { host: server.host, port: server.port, user: "root", hostKey: server.hostKey } });
    const stored = await up(undefined, wanted);
    expect((await provider.read(stored.id, stored.outs)).props!.config).toEqual(wanted.config);
    await provider.delete(stored.id, stored.outs);
    const users = new Set(server.commands().map((command) => command.user));
    expect(users).toEqual(new Set(["root"]));
  });
});

describe("DokkuApp faults", () => {
  it("converges when the connection drops in the middle of a create, duplicating nothing", async () => {
    const proxy = await startLatencyProxy(server.port, 5);
    try {
      const wanted = desired("cut");
      const viaProxy = { ...wanted, target: { ...wanted.target, port: proxy.port } };
      // The config:set after apps:create is held, so the connection can be cut while the create is half done.
      server.injectFault({ kind: "hang", command: "config:set", ms: 1_500 });
      const creating = provider.create(viaProxy);
      await waitFor(() => server.commands().some((command) => command.argv[0] === "apps:create" && command.exitCode === 0));
      proxy.cut();
      await expect(creating).rejects.toMatchObject({ name: "DokkuSshError", reason: "dropped" });
      // Let the held command finish or die on the server before the engine tries again.
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      server.clearFaults();

      const stored = await up(undefined, wanted);
      const creates = server.commands().filter((command) => command.argv[0] === "apps:create");
      expect(creates.map((command) => command.exitCode)).toEqual([0]);
      const state = await onServer("cut");
      expect(state.config).toMatchObject(wanted.config);
      expect(state.domains.sort()).toEqual([...wanted.domains].sort());
      const read = await provider.read(stored.id, stored.outs);
      expect((await provider.diff(read.id!, read.props!, wanted)).changes).toBe(false);
      await provider.delete(stored.id, stored.outs);
    } finally {
      await proxy.stop();
    }
  });

  it("refuses a server with another host key before running anything", async () => {
    const wanted = desired("wrong-key");
    const other = utils.generateKeyPairSync("ed25519").public;
    const failure = (await provider.create({ ...wanted, target: { ...wanted.target, hostKey: other } }).catch((e: unknown) => e)) as Error;
    expect(failure.name).toBe("DokkuHostKeyMismatchError");
    expect(failure.message).toMatch(/host key of 127\.0\.0\.1:\d+ does not match the pinned key: expected SHA256:\S+, the server offered SHA256:\S+/);
    expect(server.commands()).toEqual([]);
  });

  it("deletes an app that is already gone without complaint", async () => {
    await expect(provider.delete("never-existed", desired("never-existed"))).resolves.toBeUndefined();
    expect(server.commands().map((command) => [command.argv[0], command.exitCode])).toEqual([["apps:destroy", 20]]);
  });
});

describe("DokkuApp and hostile or secret values", () => {
  it("stores shell syntax, quotes, newlines and 10 KB values verbatim, and nothing of them runs", async () => {
    const canary = path.join(canaryDir, "canary");
    const hostile: Record<string, string> = {
      SUBSTITUTION: `$(touch ${canary})`,
      BACKTICKS: `\`touch ${canary}\``,
      SEMICOLON: `x; touch ${canary}`,
      QUOTES: `it's "quoted" '\\''`,
      NEWLINES: `line one\nline two\r\n$(touch ${canary})\n`,
      LARGE: Array.from({ length: 10 * 1024 }, (_, i) => "a'\"$`;\\ é"[i % 10]).join(""),
      EMPTY: "",
      DASHES: "-n",
    };
    const wanted = desired("hostile", { config: hostile });
    const stored = await up(undefined, wanted);
    const { config } = await onServer("hostile");
    for (const [key, value] of Object.entries(hostile)) expect(config[key], key).toBe(value);
    const read = await provider.read(stored.id, stored.outs);
    expect(read.props!.config).toEqual(hostile);
    expect((await provider.diff(read.id!, read.props!, wanted)).changes).toBe(false);
    expect(readdirSync(canaryDir)).toEqual([]);
    await provider.delete(stored.id, stored.outs);
  });

  it("puts no secret in a command line, in the stored provider or in an error", async () => {
    const secret = `s3cret-${randomBytes(12).toString("hex")}`;
    const wanted = desired("secretive", { config: { APP_KEY: secret, DB_PASSWORD: `${secret}-db` } });
    let stored = await up(undefined, wanted);
    await deploy("secretive");
    // A failing config:set whose message echoes the value back, as a real plugin might.
    server.injectFault({ kind: "fail", command: "config:set", message: `cannot store ${secret}-new`, times: 1 });
    const failure = (await up(stored, { ...wanted, config: { ...wanted.config, APP_KEY: `${secret}-new` } }).catch((e: unknown) => e)) as Error;
    expect(failure.message).toMatch(/dokku config:set failed \(exit 1\): cannot store \[redacted\]/);
    expect(`${failure.message}${failure.stack}`).not.toContain(secret);
    stored = await up(stored, { ...wanted, config: { ...wanted.config, APP_KEY: `${secret}-new` } });
    await provider.delete(stored.id, stored.outs);

    const lines = server.commands().map((command) => command.argv.join(" "));
    expect(lines.some((line) => line.startsWith("config:set"))).toBe(true);
    for (const line of lines) expect(line).not.toContain(secret);
    expect(serializedText).not.toContain(secret);
    expect(serializedText).not.toContain(server.privateKey.split("\n")[1]);
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
