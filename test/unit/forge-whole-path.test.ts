import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type * as pulumi from "@pulumi/pulumi";
import { requireBuilt } from "../support/built";
import { plan, resourcesOfType } from "../support/evaluate";
import { pointForgeProvidersAt } from "../doubles/forge/process-env";
import { startForgeDouble, type ForgeDouble } from "../doubles/forge/server";

// The whole path a user takes, from the stack's config to what Forge holds: restant:runtime forge in a staging
// stack → infra/ (zod, spec, names) → TenantEnvironment → ForgeRuntime's resources and their inputs → the providers
// as Pulumi's host runs them (serialized, loaded back) → the Forge API (the double). Outputs the engine would pass
// between resources (a site's id) are passed along here by name, as the engine resolves them.

const { asPulumiHostRunsIt } = requireBuilt<typeof import("../support/serialized-provider")>("test/support/serialized-provider.ts");
type Provider = Required<pulumi.dynamic.ResourceProvider> & { create(inputs: unknown): Promise<{ id: string; outs: Record<string, unknown> }> };
const providerOf = async (file: string, exported: string): Promise<Provider> => {
  const module = requireBuilt<Record<string, new () => pulumi.dynamic.ResourceProvider>>(`components/forge/${file}.ts`);
  return (await asPulumiHostRunsIt(new module[exported]!())).provider as Provider;
};

const COMMIT = "89abcdef0123456789abcdef0123456789abcdef";
let double: ForgeDouble;
let restore: () => void;

beforeAll(async () => {
  double = await startForgeDouble({ rateWindowMs: 3_000 });
  restore = pointForgeProvidersAt(double);
});
afterAll(async () => {
  restore();
  await double.stop();
});

describe("a staging stack on Forge, from its config to the Forge server", () => {
  it("ends as an installed site running the validated commit, with its database, .env, worker and certificate", async () => {
    const planned = await plan(
      { stack: "staging" },
      {
        "restant:runtime": "forge",
        "restant:forge": JSON.stringify({ organization: double.organization, serverId: double.serverId, ipv4: "203.0.113.50" }),
        "restant:commit": COMMIT,
      },
    );
    const inputsOf = (type: string) => {
      const [resource] = resourcesOfType(planned, `pulumi-nodejs:dynamic/forge:${type}`);
      expect(resource, type).toBeDefined();
      return resource!.revealedInputs;
    };

    // In ForgeRuntime's order, each output passed on as the engine would.
    const site = await (await providerOf("site-provider", "ForgeSiteProvider")).create(inputsOf("Site"));
    const database = await (await providerOf("database-provider", "ForgeDatabaseProvider")).create(inputsOf("Database"));
    await (await providerOf("database-user-provider", "ForgeDatabaseUserProvider")).create({ ...inputsOf("DatabaseUser"), databaseIds: [database.id] });
    await (await providerOf("environment-file-provider", "ForgeEnvironmentFileProvider")).create({ ...inputsOf("EnvironmentFile"), siteId: site.id });
    await (await providerOf("background-process-provider", "ForgeBackgroundProcessProvider")).create(inputsOf("BackgroundProcess"));
    const deployment = await (await providerOf("deployment-provider", "ForgeDeploymentProvider")).create({ ...inputsOf("Deployment"), siteId: site.id });
    await (await providerOf("certificate-provider", "ForgeCertificateProvider")).create({ ...inputsOf("Certificate"), siteId: site.id });

    const onForge = double.state.siteNamed(planned.spec.kind === "platform" ? "" : planned.spec.hostname)!;
    expect(onForge).toMatchObject({ name: "restant.staging.example.com", status: "installed", isolated: true, user: "restant-staging", phpVersion: "php84" });
    expect(onForge.domains[0]!.certificate?.status).toBe("installed");
    expect(deployment.outs.status).toBe("finished");
    expect(onForge.deployScript).toContain(`git checkout --force --detach ${COMMIT}`);

    // The .env the app reads: its own variables and the database user this stack made, with the generated password.
    const env = Object.fromEntries(onForge.environment.trim().split("\n").map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 2, -1)]));
    const user = double.state.databaseUsers[0]!;
    expect(env).toMatchObject({ APP_ENV: "staging", APP_URL: "https://restant.staging.example.com", DB_DATABASE: "restant_staging", DB_USERNAME: "restant_staging", DB_PASSWORD: user.password, SENTRY_RELEASE: COMMIT });
    expect(user.databaseIds).toEqual([Number(database.id)]);
    expect(double.state.backgroundProcesses[0]).toMatchObject({ name: "restant-staging-queue", user: "restant-staging", status: "running", processes: 1 });
  });
});
