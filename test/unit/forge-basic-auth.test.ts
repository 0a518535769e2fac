import { createRequire } from "node:module";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type * as Pulumi from "@pulumi/pulumi";
import { projectRoot, requireBuilt } from "../support/built";
import { TEAM_ZONE } from "../support/team-values";
import type { RecordedResource } from "../../scripts/plan/recorded-resource";
import type { EnvironmentSpec } from "../../infra/spec";

// ForgeRuntime with basic auth, as TenantEnvironment asks for it for a preview: the runtime tsc compiled, registered
// under Pulumi's mocks. The spec is a Forge staging stack's (a preview on Forge, on its own server, is walked whole in
// test/integration/forge-preview-whole-path.test.ts); RuntimeArgs.basicAuth is what TenantEnvironment passes for previews, from the
// one password source both runtimes share (components/app-secrets.ts: restant:previewPassword, or a generated one).

const nativeRequire = createRequire(path.join(projectRoot, "package.json"));
const pulumi = nativeRequire("@pulumi/pulumi") as typeof Pulumi;
const { waitForRPCs } = nativeRequire("@pulumi/pulumi/runtime/settings") as { waitForRPCs: () => Promise<void> };
const { getStore } = nativeRequire("@pulumi/pulumi/runtime/state") as { getStore: () => { settings: { monitor?: unknown } } };
const { RecordingMonitor } = requireBuilt<typeof import("../../scripts/plan/recording-monitor")>("scripts/plan/recording-monitor.ts");
const { ForgeRuntime } = requireBuilt<typeof import("../../components/forge-runtime")>("components/forge-runtime.ts");
const { BASIC_AUTH_USER } = requireBuilt<typeof import("../../infra/names")>("infra/names.ts");
const { loadStackSpec } = requireBuilt<typeof import("../../infra/spec")>("infra/spec.ts");
const { chooseStack } = requireBuilt<typeof import("../../scripts/plan/choose-stack")>("scripts/plan/choose-stack.ts");

const TEAM_PASSWORD = "team-preview-password-0123456789";
const RULE = "pulumi-nodejs:dynamic/forge:SecurityRule";
const mocks: Pulumi.runtime.Mocks = { newResource: (args) => ({ id: `${args.name}-id`, state: { ...args.inputs, siteId: "4242" } }), call: () => ({}) };

async function declare(spec: EnvironmentSpec, basicAuth: boolean): Promise<RecordedResource[]> {
  const monitor = new RecordingMonitor(mocks);
  await pulumi.runtime.setMocks(mocks, "restant", spec.stack, false);
  getStore().settings.monitor = monitor;
  new ForgeRuntime("restant-runtime", {
    spec,
    config: { APP_ENV: spec.kind },
    databasePassword: pulumi.secret("a-generated-database-password-0123"),
    ...(basicAuth ? { basicAuth: { user: BASIC_AUTH_USER, password: pulumi.secret(TEAM_PASSWORD) } } : {}),
  });
  await waitForRPCs();
  return monitor.recorded;
}

let spec: EnvironmentSpec;
let closed: RecordedResource[];
beforeAll(async () => {
  const chosen = chooseStack({ stack: "staging" });
  const config = { ...chosen.config, "restant:runtime": "forge", "restant:zone": TEAM_ZONE, "restant:forge": JSON.stringify({ organization: "restant-co", serverId: 5150, ipv4: "95.216.10.21" }) };
  const stackSpec = loadStackSpec(config, { stack: chosen.stack, origin: chosen.origin, files: chosen.files ?? {} });
  if (stackSpec.kind === "platform") throw new Error("staging read as a platform");
  spec = stackSpec;
  closed = await declare(spec, true);
});

describe("ForgeRuntime with basic auth", () => {
  it("closes the whole site with one security rule: the spec's domain and app name, the shared user, the password secret", () => {
    const rules = closed.filter((r) => r.type === RULE);
    expect(rules).toHaveLength(1);
    const rule = rules[0]!;
    expect(rule.name).toBe("restant-runtime-basic-auth");
    expect(rule.revealedInputs).toMatchObject({ organization: "restant-co", serverId: 5150, domain: `restant.staging.${TEAM_ZONE}`, name: spec.names.app, user: "restant", password: TEAM_PASSWORD, version: 1 });
    expect(rule.inputs.password).toBe("[secret]");
    expect(rule.secretPaths).toContain("password");
    expect(rule.options).toMatchObject({ deleteBeforeReplace: true, additionalSecretOutputs: ["credentialsHash"] });
    expect(String(rule.revealedInputs.__provider)).not.toContain(TEAM_PASSWORD);
  });

  it("is in place before the first deploy brings the app's code", () => {
    const rule = closed.find((r) => r.type === RULE)!;
    const deployment = closed.find((r) => r.type === "pulumi-nodejs:dynamic/forge:Deployment")!;
    expect(deployment.options.dependsOn).toContain(rule.urn);
  });

  it("declares no rule when the environment is public", async () => {
    expect((await declare(spec, false)).filter((r) => r.type === RULE)).toEqual([]);
  });
});
