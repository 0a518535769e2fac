import type * as pulumi from "@pulumi/pulumi";
import { ForgeBackgroundProcessProvider } from "../components/forge/background-process-provider";
import { ForgeCertificateProvider } from "../components/forge/certificate-provider";
import { ForgeDatabaseProvider } from "../components/forge/database-provider";
import { ForgeDatabaseUserProvider } from "../components/forge/database-user-provider";
import { ForgeDeploymentProvider } from "../components/forge/deployment-provider";
import { ForgeEnvironmentFileProvider } from "../components/forge/environment-file-provider";
import { ForgeSiteProvider } from "../components/forge/site-provider";
import { asPulumiHostRunsIt } from "../test/support/serialized-provider";

/**
 * One Forge environment's resources driven through the serialized providers in ForgeRuntime's order, as `pulumi up`
 * and `pulumi destroy` would: for the Forge bench, in its own process or in a child (`node forge-environment.js <n>`,
 * each child a CI job of its own with its own rate budget).
 */

type Provider = Required<pulumi.dynamic.ResourceProvider> & { create(inputs: unknown): Promise<{ id: string; outs: Record<string, unknown> }> };

export interface MadeResource {
  provider: Provider;
  inputs: Record<string, unknown>;
  id: string;
  outs: Record<string, unknown>;
}

async function load(provider: pulumi.dynamic.ResourceProvider): Promise<Provider> {
  return (await asPulumiHostRunsIt(provider)).provider as Provider;
}

export async function forgeProviders() {
  return {
    site: await load(new ForgeSiteProvider()),
    database: await load(new ForgeDatabaseProvider()),
    user: await load(new ForgeDatabaseUserProvider()),
    env: await load(new ForgeEnvironmentFileProvider()),
    worker: await load(new ForgeBackgroundProcessProvider()),
    deployment: await load(new ForgeDeploymentProvider()),
    certificate: await load(new ForgeCertificateProvider()),
  };
}

type Providers = Awaited<ReturnType<typeof forgeProviders>>;

/** Creates preview-like environment `n` on the server; returns what was made, in creation order. */
export async function createForgeEnvironment(providers: Providers, at: { organization: string; serverId: number }, n: number): Promise<MadeResource[]> {
  const made: MadeResource[] = [];
  const make = async (provider: Provider, inputs: Record<string, unknown>) => {
    const { id, outs } = await provider.create(inputs);
    made.push({ provider, inputs, id, outs });
    return { id, outs };
  };
  const domain = `restant.env-${n}.example.com`;
  const user = `restant-env-${n}`;
  const site = await make(providers.site, { ...at, domain, webDirectory: "/public", phpVersion: "php84", isolatedUser: user, repository: "https://git.example.com/restant.git", branch: "main", version: 1 });
  const database = await make(providers.database, { ...at, name: `restant_env_${n}`, version: 1 });
  await make(providers.user, { ...at, name: `restant_env_${n}`, password: "generated0password0of0thirty0two", databaseIds: [database.id], version: 1 });
  await make(providers.env, { ...at, siteId: site.id, content: `APP_KEY='base64:x'\nDB_DATABASE='restant_env_${n}'\n`, version: 1 });
  await make(providers.worker, { ...at, name: `${user}-queue`, command: "php8.4 artisan queue:work redis", user, directory: `/home/${user}/${domain}`, processes: 1, version: 1 });
  await make(providers.deployment, { ...at, siteId: site.id, script: "set -e\ngit checkout --force --detach abc1234\n", revision: "abc1234", version: 1 });
  await make(providers.certificate, { ...at, siteId: site.id, domain, version: 1 });
  return made;
}

/** What `pulumi up --refresh` does when nothing changed: read each, diff against the same inputs. Returns changes seen. */
export async function refreshForgeEnvironment(made: MadeResource[]): Promise<number> {
  let changes = 0;
  for (const resource of made) {
    const read = await resource.provider.read(resource.id, resource.outs);
    if ((await resource.provider.diff(resource.id, read.props, resource.inputs)).changes) changes += 1;
  }
  return changes;
}

/** `pulumi destroy`: deletes in reverse order. */
export async function destroyForgeEnvironment(made: MadeResource[]): Promise<void> {
  for (const resource of [...made].reverse()) await resource.provider.delete(resource.id, resource.outs);
}

// A child of the bench: one CI job making environment <n> with the settings in its environment.
if (require.main === module) {
  const n = Number(process.argv[2]);
  const started = Date.now();
  forgeProviders()
    .then((providers) => createForgeEnvironment(providers, { organization: process.env.BENCH_FORGE_ORG!, serverId: Number(process.env.BENCH_FORGE_SERVER) }, n))
    .then(
      () => console.log(JSON.stringify({ n, ok: true, ms: Date.now() - started })),
      (error: Error) => {
        console.log(JSON.stringify({ n, ok: false, ms: Date.now() - started, error: error.message }));
        process.exitCode = 1;
      },
    );
}
