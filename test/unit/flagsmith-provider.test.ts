import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type * as pulumi from "@pulumi/pulumi";
import { requireBuilt } from "../support/built";
import { pointProvidersAt } from "../doubles/flagsmith/process-env";
import { startFlagsmithDouble, type FlagsmithDouble } from "../doubles/flagsmith/server";
import type { FlagsmithEnvironmentInputs, FlagsmithEnvironmentOutputs } from "../../components/flagsmith/environment-provider";
import type { FlagsmithServerKeyInputs, FlagsmithServerKeyOutputs } from "../../components/flagsmith/server-key-provider";

// Every provider here is the one Pulumi's host would run: tsc output, serialized as into state, loaded back.
type Harness = typeof import("../support/serialized-provider");
const { asPulumiHostRunsIt } = requireBuilt<Harness>("test/support/serialized-provider.ts");
const { FlagsmithEnvironmentProvider } = requireBuilt<typeof import("../../components/flagsmith/environment-provider")>("components/flagsmith/environment-provider.ts");
const { FlagsmithServerKeyProvider } = requireBuilt<typeof import("../../components/flagsmith/server-key-provider")>("components/flagsmith/server-key-provider.ts");

/** The provider's methods, with `create` promising outputs as ours always return them. */
type Provider<I, O> = Required<Omit<pulumi.dynamic.ResourceProvider<I, O>, "create">> & {
  create(inputs: I): Promise<{ id: string; outs: O }>;
};
type EnvironmentProvider = Provider<FlagsmithEnvironmentInputs, FlagsmithEnvironmentOutputs>;
type ServerKeyProvider = Provider<FlagsmithServerKeyInputs, FlagsmithServerKeyOutputs>;

let double: FlagsmithDouble;
let restoreEnv: () => void;
let environments: EnvironmentProvider;
let serverKeys: ServerKeyProvider;

beforeAll(async () => {
  environments = (await asPulumiHostRunsIt(new FlagsmithEnvironmentProvider())).provider as EnvironmentProvider;
  serverKeys = (await asPulumiHostRunsIt(new FlagsmithServerKeyProvider())).provider as ServerKeyProvider;
});
beforeEach(async () => {
  double = await startFlagsmithDouble();
  restoreEnv = pointProvidersAt(double);
});
afterEach(async () => {
  restoreEnv();
  await double.stop();
});

const inputs = (name: string, more: Partial<FlagsmithEnvironmentInputs> = {}): FlagsmithEnvironmentInputs => ({ project: double.project.id, name, apiUrl: double.url, version: 2, ...more });
const keyInputs = (environmentApiKey: string, name = "app"): FlagsmithServerKeyInputs => ({ environmentApiKey, name, apiUrl: double.url, version: 2 });
const posts = () => double.requests.filter((r) => r.method === "POST");

describe("the Flagsmith environment provider, run from its serialized text", () => {
  it("creates an environment, reads it back unchanged, and then sees nothing to do", async () => {
    const wanted = inputs("restant-main");
    expect((await environments.check(wanted, wanted)).failures).toEqual([]);
    const { id, outs } = await environments.create(wanted);
    const row = double.state.environmentByUuid(id)!;
    expect(outs).toEqual({ project: double.project.id, name: "restant-main", apiUrl: double.url, version: 2, apiKey: row.apiKey, environmentId: row.id });
    expect(double.state.flagsOf(row.apiKey)).toEqual({ dark_mode: { enabled: false, value: null }, new_checkout: { enabled: true, value: "v1" } });
    const read = await environments.read(id, outs);
    expect(read).toEqual({ id, props: outs });
    expect((await environments.diff(id, read.props!, wanted)).changes).toBe(false);
  });

  it("clones staging's environment so a preview starts with its flags", async () => {
    const staging = double.state.createEnvironment(double.project, "restant-staging");
    double.state.setFlag(staging.apiKey, "dark_mode", { enabled: true, value: "night" });
    const { outs } = await environments.create(inputs("restant-pr-7", { cloneFrom: "restant-staging" }));
    expect(outs).toMatchObject({ name: "restant-pr-7", cloneFrom: "restant-staging" });
    expect(double.state.flagsOf(outs.apiKey)).toEqual(double.state.flagsOf(staging.apiKey));
    expect(double.state.flagsOf(outs.apiKey).dark_mode).toEqual({ enabled: true, value: "night" });
    expect(posts().map((r) => r.path)).toEqual([`/api/v1/environments/${staging.apiKey}/clone/`]);
  });

  it("refuses a taken name clearly, for create and for clone (whose route does not check), without posting", async () => {
    double.state.createEnvironment(double.project, "restant-staging");
    double.state.createEnvironment(double.project, "restant-pr-7");
    await expect(environments.create(inputs("restant-pr-7"))).rejects.toThrow(/already has an environment named "restant-pr-7".*adopt: true/);
    await expect(environments.create(inputs("restant-pr-7", { cloneFrom: "restant-staging" }))).rejects.toThrow(/already has an environment named/);
    await expect(environments.create(inputs("restant-pr-8", { cloneFrom: "restant-nowhere" }))).rejects.toThrow(/Cannot clone Flagsmith environment "restant-nowhere".*there is none/);
    expect(posts()).toEqual([]);
  });

  it("adopts an existing environment when asked, without creating one", async () => {
    const existing = double.state.createEnvironment(double.project, "restant-main");
    const { id, outs } = await environments.create(inputs("restant-main", { adopt: true }));
    expect(id).toBe(existing.uuid);
    expect(outs).toMatchObject({ apiKey: existing.apiKey, environmentId: existing.id, adopt: true });
    expect(posts()).toEqual([]);
    expect(double.state.liveEnvironments(double.project.id)).toHaveLength(1);
  });

  it("reads a rename made by hand as drift, renames it back on update, and reports a deletion as gone", async () => {
    const wanted = inputs("restant-staging");
    const { id, outs } = await environments.create(wanted);
    double.state.environmentByUuid(id)!.name = "renamed-by-hand";
    const drifted = await environments.read(id, outs);
    expect(drifted.props).toMatchObject({ name: "renamed-by-hand", apiKey: outs.apiKey });
    const diff = await environments.diff(id, drifted.props!, wanted);
    expect(diff).toMatchObject({ changes: true, replaces: [] });
    const updated = await environments.update(id, drifted.props!, wanted);
    expect(updated.outs).toEqual(outs);
    expect(double.state.environmentByUuid(id)!.name).toBe("restant-staging");

    double.state.deleteEnvironment(double.state.environmentByUuid(id)!);
    expect((await environments.read(id, outs)).id).toBe("");
    await expect(environments.update(id, outs, inputs("restant-other"))).rejects.toThrow(/deleted outside Pulumi/);
  });

  it("finds the environment by uuid even when its api_key was changed by hand", async () => {
    const { id, outs } = await environments.create(inputs("restant-main"));
    double.state.environmentByUuid(id)!.apiKey = "changedKeyByHand0000000";
    expect((await environments.read(id, outs)).props).toMatchObject({ apiKey: "changedKeyByHand0000000" });
  });

  it("replaces (delete first) on a project change, renames in place, and only records version, cloneFrom or adopt", async () => {
    const { id, outs } = await environments.create(inputs("restant-main"));
    expect(await environments.diff(id, outs, { ...inputs("restant-main"), project: 99 })).toMatchObject({ changes: true, replaces: ["project"], deleteBeforeReplace: true });
    expect(await environments.diff(id, outs, inputs("restant-prod"))).toMatchObject({ changes: true, replaces: [] });
    expect(await environments.diff(id, outs, inputs("restant-main", { version: 3 }))).toMatchObject({ changes: true, replaces: [] });
    const before = double.requests.length;
    const updated = await environments.update(id, outs, inputs("restant-main", { version: 3, cloneFrom: "x" }));
    expect(updated.outs).toMatchObject({ version: 3, cloneFrom: "x", apiKey: outs.apiKey });
    expect(double.requests.slice(before).map((r) => r.method)).toEqual(["GET"]);
  });

  it("refuses a rename to a taken name with Flagsmith's answer", async () => {
    double.state.createEnvironment(double.project, "restant-staging");
    const { id, outs } = await environments.create(inputs("restant-main"));
    await expect(environments.update(id, outs, inputs("restant-staging"))).rejects.toThrow(/PATCH \/api\/v1\/environments\/\w+\/ answered 400: .*An environment with this name already exists/);
  });

  it("deletes (soft), and deleting again succeeds", async () => {
    const { id, outs } = await environments.create(inputs("restant-pr-3"));
    await environments.delete(id, outs);
    expect(double.state.liveEnvironments(double.project.id)).toEqual([]);
    expect(double.state.allEnvironmentRows()[0]!.deletedAt).not.toBeNull();
    await expect(environments.delete(id, outs)).resolves.toBeUndefined();
  });

  it("checks its inputs", async () => {
    const bad = { project: 0, name: "", cloneFrom: "", apiUrl: "flags.example.com", version: 2 };
    expect((await environments.check(bad, bad)).failures!.map((f) => f.property)).toEqual(["project", "name", "apiUrl", "cloneFrom"]);
    const key = { environmentApiKey: "", name: "app", apiUrl: "ftp://flags.example.com", version: 2 };
    expect((await serverKeys.check(key, key)).failures).toEqual([
      { property: "environmentApiKey", reason: "must be an environment's client-side key" },
      { property: "apiUrl", reason: "must be an http(s) URL (restant:flagsmith.apiUrl)" },
    ]);
  });
});

describe("the Flagsmith server-side key provider, run from its serialized text", () => {
  async function environment(name = "restant-main") {
    return (await environments.create(inputs(name))).outs;
  }

  it("creates a ser. key and reads it back unchanged", async () => {
    const env = await environment();
    const wanted = keyInputs(env.apiKey, "restant-main app");
    expect((await serverKeys.check(wanted, wanted)).failures).toEqual([]);
    const { id, outs } = await serverKeys.create(wanted);
    expect(outs).toMatchObject({ ...wanted, key: expect.stringMatching(/^ser\.[A-Za-z0-9]{22}$/), keyId: Number(id), active: true });
    const read = await serverKeys.read(id, outs);
    expect(read).toEqual({ id, props: outs });
    expect((await serverKeys.diff(id, read.props!, wanted)).changes).toBe(false);
  });

  it("says so when the environment to make a key in does not exist", async () => {
    await expect(serverKeys.create(keyInputs("noSuchEnvironmentKey00"))).rejects.toThrow(/no environment with the key noSuchEnvironmentKey00/);
    expect(posts()).toEqual([]);
  });

  it("reads a rename or deactivation made by hand as drift and repairs it on update", async () => {
    const env = await environment();
    const wanted = keyInputs(env.apiKey);
    const { id, outs } = await serverKeys.create(wanted);
    const row = double.state.serverKeysOf(double.state.environmentByKey(env.apiKey)!)[0]!;
    row.name = "renamed";
    row.active = false;
    const drifted = await serverKeys.read(id, outs);
    expect(drifted.props).toMatchObject({ name: "renamed", active: false });
    expect(await serverKeys.diff(id, drifted.props!, wanted)).toMatchObject({ changes: true, replaces: [] });
    expect((await serverKeys.update(id, drifted.props!, wanted)).outs).toEqual(outs);
    expect(row).toMatchObject({ name: "app", active: true });
    expect(await serverKeys.diff(id, outs, { ...wanted, environmentApiKey: "other" })).toMatchObject({ replaces: ["environmentApiKey"] });
  });

  it("reports a key gone when it, or its environment, was deleted, and deleting twice succeeds", async () => {
    const env = await environment();
    const { id, outs } = await serverKeys.create(keyInputs(env.apiKey));
    await serverKeys.delete(id, outs);
    expect(double.state.serverKeysOf(double.state.environmentByKey(env.apiKey)!)).toEqual([]);
    expect((await serverKeys.read(id, outs)).id).toBe("");
    await expect(serverKeys.delete(id, outs)).resolves.toBeUndefined();

    const again = await serverKeys.create(keyInputs(env.apiKey));
    await environments.delete(String(double.state.environmentByKey(env.apiKey)!.uuid), env);
    expect((await serverKeys.read(again.id, again.outs)).id).toBe("");
    await expect(serverKeys.delete(again.id, again.outs)).resolves.toBeUndefined();
  });
});

describe("a state stored by provider version 1 (no apiUrl: that code read FLAGSMITH_API_URL)", () => {
  it("diffs as an in-place update that stores the address, so the same environment and key stay and later runs need no FLAGSMITH_API_URL", async () => {
    // Made the way version 1 made them: the address from FLAGSMITH_API_URL, none in the inputs or the state.
    restoreEnv();
    restoreEnv = pointProvidersAt(double, { FLAGSMITH_API_URL: double.url });
    const stored = await environments.create(inputs("restant-main", { apiUrl: undefined, version: 1 }));
    const storedKey = await serverKeys.create({ environmentApiKey: stored.outs.apiKey, name: "app", version: 1 });
    expect(stored.outs).not.toHaveProperty("apiUrl");
    expect(storedKey.outs).not.toHaveProperty("apiUrl");
    restoreEnv();
    restoreEnv = pointProvidersAt(double);
    expect(process.env.FLAGSMITH_API_URL).toBeUndefined();

    // The program now passes apiUrl (and version 2): a change, never a replacement.
    const environmentDiff = await environments.diff(stored.id, stored.outs, inputs("restant-main"));
    expect(environmentDiff).toMatchObject({ changes: true, replaces: [] });
    const keyDiff = await serverKeys.diff(storedKey.id, storedKey.outs, keyInputs(stored.outs.apiKey));
    expect(keyDiff).toMatchObject({ changes: true, replaces: [] });
    const before = double.requests.length;
    const environment = await environments.update(stored.id, stored.outs, inputs("restant-main"));
    const key = await serverKeys.update(storedKey.id, storedKey.outs, keyInputs(stored.outs.apiKey));
    expect(double.requests.slice(before).filter((r) => r.method !== "GET")).toEqual([]);
    expect(environment.outs).toEqual({ ...stored.outs, apiUrl: double.url, version: 2 });
    expect(key.outs).toEqual({ ...storedKey.outs, apiUrl: double.url, version: 2 });

    // With the address in state, read and delete work without FLAGSMITH_API_URL; the next diff is empty.
    expect((await environments.diff(stored.id, environment.outs!, inputs("restant-main"))).changes).toBe(false);
    expect((await serverKeys.diff(storedKey.id, key.outs!, keyInputs(stored.outs.apiKey))).changes).toBe(false);
    expect(await serverKeys.read(storedKey.id, key.outs as FlagsmithServerKeyOutputs)).toEqual({ id: storedKey.id, props: key.outs });
    await serverKeys.delete(storedKey.id, key.outs as FlagsmithServerKeyOutputs);
    await environments.delete(stored.id, environment.outs as FlagsmithEnvironmentOutputs);
    expect(double.state.liveEnvironments(double.project.id)).toEqual([]);
  });

  it("still reads and deletes such a state through FLAGSMITH_API_URL, and says what is missing without it", async () => {
    restoreEnv();
    restoreEnv = pointProvidersAt(double, { FLAGSMITH_API_URL: double.url });
    const stored = await environments.create(inputs("restant-pr-4", { apiUrl: undefined, version: 1 }));
    expect((await environments.read(stored.id, stored.outs)).id).toBe(stored.id);
    restoreEnv();
    restoreEnv = pointProvidersAt(double);
    await expect(environments.delete(stored.id, stored.outs)).rejects.toThrow(/needs its apiUrl input \(restant:flagsmith.apiUrl; FLAGSMITH_API_URL for a resource stored without one\)/);
    expect(double.state.liveEnvironments(double.project.id)).toHaveLength(1);
  });
});

describe("limits from the host's environment", () => {
  it("bound a failing operation in time and attempts (FLAGSMITH_RETRY_WITHIN_MS, FLAGSMITH_MAX_ATTEMPTS)", async () => {
    restoreEnv();
    restoreEnv = pointProvidersAt(double, { FLAGSMITH_RETRY_WITHIN_MS: "800", FLAGSMITH_ATTEMPT_TIMEOUT_MS: "200", FLAGSMITH_MAX_ATTEMPTS: "50" });
    double.faults.add({ answer: 500, times: 1000 });
    const started = Date.now();
    await expect(environments.create(inputs("restant-main"))).rejects.toThrow(/GET \/api\/v1\/environments\/\?project=1 answered 500: .*gave up/);
    expect(Date.now() - started).toBeLessThan(800 + 200 + 100);
    restoreEnv();
    restoreEnv = pointProvidersAt(double, { FLAGSMITH_MAX_ATTEMPTS: "2" });
    const before = double.requests.length;
    await expect(environments.create(inputs("restant-main"))).rejects.toThrow(/gave up after 2 attempts/);
    expect(double.requests.length - before).toBe(2);
  });

  it("refuses a limit that is not a positive whole number", async () => {
    restoreEnv();
    restoreEnv = pointProvidersAt(double, { FLAGSMITH_MAX_ATTEMPTS: "lots" });
    await expect(environments.create(inputs("restant-main"))).rejects.toThrow(/FLAGSMITH_MAX_ATTEMPTS must be a positive whole number, not "lots"/);
  });
});

describe("credentials", () => {
  it("are read when a method runs, not when the provider is serialized, and a missing one is named", async () => {
    restoreEnv();
    const bare = (await asPulumiHostRunsIt(new FlagsmithEnvironmentProvider())).provider as EnvironmentProvider;
    await expect(bare.create(inputs("restant-main", { apiUrl: undefined }))).rejects.toThrow(
      /needs its apiUrl input \(restant:flagsmith.apiUrl; FLAGSMITH_API_URL for a resource stored without one\) and FLAGSMITH_ADMIN_API_KEY in the environment of `pulumi`/,
    );
    restoreEnv = pointProvidersAt(double);
    await expect(bare.create(inputs("restant-main"))).resolves.toMatchObject({ outs: { name: "restant-main" } });
  });

  it("a rotated admin key is used at once; a wrong one is a 401, tried once, its text in no error", async () => {
    const { id, outs } = await environments.create(inputs("restant-main"));
    restoreEnv();
    restoreEnv = pointProvidersAt(double, { FLAGSMITH_ADMIN_API_KEY: "wrongprefix.wrongsecretwrongsecret" });
    const before = double.requests.length;
    const failure = await environments.delete(id, outs).then(() => undefined, (error: Error) => error);
    expect(failure?.message).toMatch(/GET \/api\/v1\/environments\/get-by-uuid\/[0-9a-f-]+\/ answered 401/);
    expect(failure?.message).not.toContain("wrongprefix");
    expect(double.requests.length - before).toBe(1);
  });
});
