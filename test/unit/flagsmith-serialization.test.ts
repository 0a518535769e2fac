import { createRequire } from "node:module";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type * as Pulumi from "@pulumi/pulumi";
import { projectRoot, requireBuilt } from "../support/built";
import { pointProvidersAt } from "../doubles/flagsmith/process-env";
import { startFlagsmithDouble, type FlagsmithDouble } from "../doubles/flagsmith/server";
import type { RecordedResource } from "../../scripts/plan/recorded-resource";

// The resources as the program declares them, registered under Pulumi's mocks with credentials in the environment:
// the `__provider` text the engine would store must hold no credential, and must still work when loaded back.

const nativeRequire = createRequire(path.join(projectRoot, "package.json"));
const pulumi = nativeRequire("@pulumi/pulumi") as typeof Pulumi;
const { waitForRPCs } = nativeRequire("@pulumi/pulumi/runtime/settings") as { waitForRPCs: () => Promise<void> };
const { getStore } = nativeRequire("@pulumi/pulumi/runtime/state") as { getStore: () => { settings: { monitor?: unknown } } };
const { RecordingMonitor } = requireBuilt<typeof import("../../scripts/plan/recording-monitor")>("scripts/plan/recording-monitor.ts");
const { loadSerializedProvider } = requireBuilt<typeof import("../support/serialized-provider")>("test/support/serialized-provider.ts");
const { FlagsmithEnvironment } = requireBuilt<typeof import("../../components/flagsmith/environment")>("components/flagsmith/environment.ts");
const { FlagsmithServerKey } = requireBuilt<typeof import("../../components/flagsmith/server-key")>("components/flagsmith/server-key.ts");

const mocks: Pulumi.runtime.Mocks = {
  newResource: (args) => ({
    id: `${args.name}-id`,
    state: { ...args.inputs, ...(args.type.endsWith(":ServerKey") ? { key: "ser.mockedmockedmockedmocked", keyId: 7 } : { apiKey: "mockedEnvironmentKey00", environmentId: 3 }) },
  }),
  call: () => ({}),
};

let double: FlagsmithDouble;
let restoreEnv: () => void;
let recorded: RecordedResource[];
let keySecret: boolean;

beforeAll(async () => {
  double = await startFlagsmithDouble();
  restoreEnv = pointProvidersAt(double);
  const monitor = new RecordingMonitor(mocks);
  await pulumi.runtime.setMocks(mocks, "restant", "pr-7", false);
  getStore().settings.monitor = monitor;
  const environment = new FlagsmithEnvironment("flags", { project: double.project.id, name: "restant-pr-7", cloneFrom: "restant-staging", apiUrl: double.url });
  const key = new FlagsmithServerKey("flags-key", { environmentApiKey: environment.apiKey, name: "restant-pr-7 app", apiUrl: double.url });
  keySecret = await pulumi.isSecret(key.key);
  await waitForRPCs();
  recorded = monitor.recorded;
});
afterAll(async () => {
  restoreEnv();
  await double.stop();
});

const byType = (type: string) => recorded.find((r) => r.type === type)!;
const ENVIRONMENT = "pulumi-nodejs:dynamic/flagsmith:Environment";
const SERVER_KEY = "pulumi-nodejs:dynamic/flagsmith:ServerKey";

describe("the Flagsmith resources as the program registers them", () => {
  it("have their own type tokens, a version input and the API's address as an input", () => {
    expect(recorded.map((r) => r.type)).toEqual([ENVIRONMENT, SERVER_KEY]);
    expect(byType(ENVIRONMENT).inputs).toMatchObject({ project: double.project.id, name: "restant-pr-7", cloneFrom: "restant-staging", apiUrl: double.url, version: 2 });
    expect(byType(SERVER_KEY).inputs).toMatchObject({ name: "restant-pr-7 app", apiUrl: double.url, version: 2 });
  });

  it("delete an environment before its replacement takes the name, and keep created keys secret", () => {
    expect(byType(ENVIRONMENT).options.deleteBeforeReplace).toBe(true);
    expect(byType(SERVER_KEY).options.additionalSecretOutputs).toContain("key");
    expect(keySecret).toBe(true);
  });

  it("store provider text with no credential, no address and no vitest transform in it", () => {
    for (const resource of [byType(ENVIRONMENT), byType(SERVER_KEY)]) {
      const text = resource.revealedInputs.__provider as string;
      expect(text).toContain("exports.handler");
      for (const forbidden of [double.adminKey, double.url, new URL(double.url).host, "__vite_ssr_import__"]) expect(text).not.toContain(forbidden);
      // Our modules are inlined into the text; only Node's own may be required when the host loads it.
      expect(text).not.toMatch(/require\(["'][./]/);
      expect(text).toContain("process.env.FLAGSMITH_ADMIN_API_KEY");
    }
  });

  it("store provider text that works when the host loads it, with no FLAGSMITH_API_URL in its environment", async () => {
    expect(process.env.FLAGSMITH_API_URL).toBeUndefined();
    const staging = double.state.createEnvironment(double.project, "restant-staging");
    const environments = loadSerializedProvider(byType(ENVIRONMENT).revealedInputs.__provider as string);
    const keys = loadSerializedProvider(byType(SERVER_KEY).revealedInputs.__provider as string);
    // The inputs the program registered (apiUrl among them), as the engine hands them to create.
    const registered = (type: string) => Object.fromEntries(Object.entries(byType(type).revealedInputs).filter(([name, value]) => name !== "__provider" && value !== undefined));
    const environment = await environments.create(registered(ENVIRONMENT));
    expect(double.state.flagsOf(environment.outs.apiKey)).toEqual(double.state.flagsOf(staging.apiKey));
    const key = await keys.create({ ...registered(SERVER_KEY), environmentApiKey: environment.outs.apiKey });
    expect(key.outs.key).toMatch(/^ser\./);
  });
});
