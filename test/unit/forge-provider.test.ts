import { afterEach, beforeAll, describe, expect, it } from "vitest";
import type * as pulumi from "@pulumi/pulumi";
import { requireBuilt } from "../support/built";
import { pointForgeProvidersAt } from "../doubles/forge/process-env";
import { startForgeDouble, type ForgeDouble, type ForgeDoubleOptions } from "../doubles/forge/server";
import type { ForgeSiteInputs, ForgeSiteOutputs } from "../../components/forge/site-provider";
import type { ForgeDatabaseInputs, ForgeDatabaseOutputs } from "../../components/forge/database-provider";
import type { ForgeDatabaseUserInputs, ForgeDatabaseUserOutputs } from "../../components/forge/database-user-provider";
import type { ForgeEnvironmentFileInputs } from "../../components/forge/environment-file-provider";
import type { ForgeBackgroundProcessInputs, ForgeBackgroundProcessOutputs } from "../../components/forge/background-process-provider";
import type { ForgeCertificateInputs, ForgeCertificateOutputs } from "../../components/forge/certificate-provider";
import type { ForgeDeploymentInputs, ForgeDeploymentOutputs } from "../../components/forge/deployment-provider";

// Every provider here is the one Pulumi's host runs: tsc output, serialized as into state, loaded back.
const TOKEN_CANARY = "forge-token-canary-must-not-be-serialized";
process.env.FORGE_API_TOKEN = TOKEN_CANARY;
const { asPulumiHostRunsIt } = requireBuilt<typeof import("../support/serialized-provider")>("test/support/serialized-provider.ts");
const built = <T>(file: string) => requireBuilt<T>(`components/forge/${file}.ts`);
const { ForgeSiteProvider } = built<typeof import("../../components/forge/site-provider")>("site-provider");
const { ForgeDatabaseProvider } = built<typeof import("../../components/forge/database-provider")>("database-provider");
const { ForgeDatabaseUserProvider } = built<typeof import("../../components/forge/database-user-provider")>("database-user-provider");
const { ForgeEnvironmentFileProvider } = built<typeof import("../../components/forge/environment-file-provider")>("environment-file-provider");
const { ForgeBackgroundProcessProvider } = built<typeof import("../../components/forge/background-process-provider")>("background-process-provider");
const { ForgeCertificateProvider } = built<typeof import("../../components/forge/certificate-provider")>("certificate-provider");
const { ForgeDeploymentProvider } = built<typeof import("../../components/forge/deployment-provider")>("deployment-provider");

type Provider<I, O> = Required<Omit<pulumi.dynamic.ResourceProvider<I, O>, "create">> & { create(inputs: I): Promise<{ id: string; outs: O }> };

const providers = {} as {
  site: Provider<ForgeSiteInputs, ForgeSiteOutputs>;
  database: Provider<ForgeDatabaseInputs, ForgeDatabaseOutputs>;
  user: Provider<ForgeDatabaseUserInputs, ForgeDatabaseUserOutputs>;
  env: Provider<ForgeEnvironmentFileInputs, ForgeEnvironmentFileInputs>;
  worker: Provider<ForgeBackgroundProcessInputs, ForgeBackgroundProcessOutputs>;
  certificate: Provider<ForgeCertificateInputs, ForgeCertificateOutputs>;
  deployment: Provider<ForgeDeploymentInputs, ForgeDeploymentOutputs>;
};
const texts: string[] = [];

beforeAll(async () => {
  const load = async <P>(provider: pulumi.dynamic.ResourceProvider) => {
    const { text, provider: loaded } = await asPulumiHostRunsIt(provider);
    texts.push(text);
    return loaded as P;
  };
  providers.site = await load(new ForgeSiteProvider());
  providers.database = await load(new ForgeDatabaseProvider());
  providers.user = await load(new ForgeDatabaseUserProvider());
  providers.env = await load(new ForgeEnvironmentFileProvider());
  providers.worker = await load(new ForgeBackgroundProcessProvider());
  providers.certificate = await load(new ForgeCertificateProvider());
  providers.deployment = await load(new ForgeDeploymentProvider());
});

let double: ForgeDouble;
let restore: () => void = () => undefined;
/** Forge's 60 requests, but in a window of 3 s rather than a minute, so a test that spends them waits seconds. */
async function startDouble(options: ForgeDoubleOptions = {}, waits: { pollMs?: number; limitMs?: number } = {}): Promise<void> {
  double = await startForgeDouble({ rateWindowMs: 3_000, ...options });
  restore = pointForgeProvidersAt(double, waits);
}
afterEach(async () => {
  restore();
  await double?.stop();
});

const at = () => ({ organization: double.organization, serverId: double.serverId });
const siteInputs = (more: Partial<ForgeSiteInputs> = {}): ForgeSiteInputs => ({
  ...at(),
  domain: "restant.pr-7.example.com",
  webDirectory: "/public",
  phpVersion: "php84",
  isolatedUser: "restant-pr-7",
  repository: "https://git.example.com/restant.git",
  branch: "main",
  version: 1,
  ...more,
});

/** Every resource of an environment, made in order; returns their ids and outputs. */
async function createEnvironment() {
  const site = await providers.site.create(siteInputs());
  const database = await providers.database.create({ ...at(), name: "restant_pr_7", version: 1 });
  const user = await providers.user.create({ ...at(), name: "restant_pr_7", password: "a-generated-password-0123456789", databaseIds: [database.id], version: 1 });
  const envInputs = { ...at(), siteId: site.id, content: "APP_KEY='base64:secret'\nDB_DATABASE='restant_pr_7'\n", version: 1 };
  const env = await providers.env.create(envInputs);
  const worker = await providers.worker.create({ ...at(), name: "restant-pr-7-queue", command: "php artisan queue:work redis", user: "restant-pr-7", directory: "/home/restant-pr-7/restant.pr-7.example.com", processes: 1, version: 1 });
  const certificate = await providers.certificate.create({ ...at(), siteId: site.id, domain: "restant.pr-7.example.com", version: 1 });
  const deployment = await providers.deployment.create({ ...at(), siteId: site.id, script: "set -e\ngit checkout abc1234\n", revision: "abc1234", version: 1 });
  return { site, database, user, env, envInputs, worker, certificate, deployment };
}

describe("the Forge providers, run from their serialized text", () => {
  it("hold no token in the text Pulumi stores in state", () => {
    expect(texts).toHaveLength(7);
    for (const text of texts) expect(text).not.toContain(TOKEN_CANARY);
  });

  it("create an environment's site, database, user, .env, worker, certificate and deployment, as Forge then has them", async () => {
    await startDouble();
    const made = await createEnvironment();
    const site = double.state.siteNamed("restant.pr-7.example.com")!;
    expect(site).toMatchObject({ status: "installed", isolated: true, user: "restant-pr-7", phpVersion: "php84", repository: { url: "https://git.example.com/restant.git", branch: "main" } });
    expect(made.site.outs).toMatchObject({ siteId: String(site.id), user: "restant-pr-7" });
    expect(double.state.databases.map((d) => [d.name, d.status])).toEqual([["restant_pr_7", "installed"]]);
    expect(double.state.databaseUsers[0]).toMatchObject({ name: "restant_pr_7", databaseIds: [Number(made.database.id)], status: "installed" });
    expect(site.environment).toBe(made.envInputs.content);
    expect(double.state.backgroundProcesses[0]).toMatchObject({ command: "php artisan queue:work redis", user: "restant-pr-7", status: "running" });
    expect(site.domains[0]!.certificate).toMatchObject({ status: "installed" });
    expect(site.deployScript).toBe("set -e\ngit checkout abc1234\n");
    expect(double.state.deployments.map((d) => d.status)).toEqual(["finished"]);
    // Nothing was refused; the one 404 is the certificate looked up before it was requested.
    expect(double.requests.filter((r) => r.status >= 400).map((r) => `${r.status} ${r.path.replace(/\d+/g, "#")}`)).toEqual([
      `404 /api/orgs/restant-co/servers/#/sites/#/domains/#/certificate`,
    ]);
  });

  it("read back unchanged and a second up writes nothing (a no-op up is reads only)", async () => {
    await startDouble();
    const made = await createEnvironment();
    const writesBefore = double.writes().length;
    const steps: [Provider<any, any>, { id: string; outs: any }, any][] = [
      [providers.site, made.site, siteInputs()],
      [providers.database, made.database, { ...at(), name: "restant_pr_7", version: 1 }],
      [providers.env, made.env, made.envInputs],
      [providers.worker, made.worker, { ...made.worker.outs }],
      [providers.certificate, made.certificate, { ...at(), siteId: made.site.id, domain: "restant.pr-7.example.com", version: 1 }],
      [providers.deployment, made.deployment, { ...at(), siteId: made.site.id, script: "set -e\ngit checkout abc1234\n", revision: "abc1234", version: 1 }],
    ];
    for (const [provider, { id, outs }, inputs] of steps) {
      const read = await provider.read(id, outs);
      expect(read.id).toBe(id);
      expect((await provider.diff(id, read.props, inputs)).changes).toBe(false);
    }
    expect(double.writes().length - writesBefore).toBe(0);
  });

  it("see drift made by hand and repair it: a PHP version, a .env line, a failed certificate, a stopped worker, a deploy script", async () => {
    await startDouble();
    const made = await createEnvironment();
    const site = double.state.siteNamed("restant.pr-7.example.com")!;
    site.phpVersion = "php82";
    site.environment = "APP_KEY='base64:secret'\nDB_DATABASE='someone_elses'\n";
    site.deployScript = "git pull";
    double.state.backgroundProcesses[0]!.status = "stopped";

    const siteRead = await providers.site.read(made.site.id, made.site.outs);
    expect(siteRead.props!.phpVersion).toBe("php82");
    const siteDiff = await providers.site.diff(made.site.id, siteRead.props!, siteInputs());
    expect(siteDiff).toMatchObject({ changes: true, replaces: [] });
    await providers.site.update(made.site.id, siteRead.props!, siteInputs());
    expect(site.phpVersion).toBe("php84");

    const envRead = await providers.env.read(made.env.id, made.env.outs);
    expect((await providers.env.diff(made.env.id, envRead.props!, made.envInputs)).changes).toBe(true);
    await providers.env.update(made.env.id, envRead.props!, made.envInputs);
    expect(site.environment).toBe(made.envInputs.content);

    site.domains[0]!.certificate!.status = "failed";
    const certificateRead = await providers.certificate.read(made.certificate.id, made.certificate.outs);
    const certificateInputs = { ...at(), siteId: made.site.id, domain: "restant.pr-7.example.com", version: 1 };
    expect(await providers.certificate.diff(made.certificate.id, certificateRead.props!, certificateInputs)).toMatchObject({ changes: true, replaces: ["status"], deleteBeforeReplace: true });
    // A replacement: the old one goes first (deleteBeforeReplace), then the new one is requested at once.
    await providers.certificate.delete(made.certificate.id, certificateRead.props!);
    await providers.certificate.create(certificateInputs);
    expect(site.domains[0]!.certificate!.status).toBe("installed");

    const workerRead = await providers.worker.read(made.worker.id, made.worker.outs);
    expect((await providers.worker.diff(made.worker.id, workerRead.props!, made.worker.outs)).replaces).toEqual(["status"]);

    const deployInputs = { ...at(), siteId: made.site.id, script: "set -e\ngit checkout abc1234\n", revision: "abc1234", version: 1 };
    const deployRead = await providers.deployment.read(made.deployment.id, made.deployment.outs);
    expect(deployRead.props!.script).toBe("git pull");
    expect((await providers.deployment.diff(made.deployment.id, deployRead.props!, deployInputs)).changes).toBe(true);
    await providers.deployment.update(made.deployment.id, deployRead.props!, deployInputs);
    expect(site.deployScript).toBe(deployInputs.script);
    expect(double.state.deployments.map((d) => d.status)).toEqual(["finished", "finished"]);
  });

  it("replace a site whose domain changes: the old one goes first, the new one takes the name", async () => {
    await startDouble();
    const { id, outs } = await providers.site.create(siteInputs());
    const moved = siteInputs({ domain: "restant.pr-8.example.com", isolatedUser: "restant-pr-8" });
    expect(await providers.site.diff(id, outs, moved)).toMatchObject({ changes: true, replaces: ["domain", "isolatedUser"], deleteBeforeReplace: true });
    await providers.site.delete(id, outs);
    const replacement = await providers.site.create(moved);
    expect(double.state.sites.map((s) => s.name)).toEqual(["restant.pr-8.example.com"]);
    expect(replacement.id).not.toBe(id);
  });

  it("delete idempotently and leave nothing behind", async () => {
    await startDouble();
    const made = await createEnvironment();
    for (let round = 0; round < 2; round += 1) {
      await providers.deployment.delete(made.deployment.id, made.deployment.outs);
      await providers.certificate.delete(made.certificate.id, made.certificate.outs);
      await providers.worker.delete(made.worker.id, made.worker.outs);
      await providers.env.delete(made.env.id, made.env.outs);
      await providers.user.delete(made.user.id, made.user.outs);
      await providers.database.delete(made.database.id, made.database.outs);
      await providers.site.delete(made.site.id, made.site.outs);
    }
    double.state.finishPending();
    expect([double.state.sites, double.state.databases, double.state.databaseUsers, double.state.backgroundProcesses]).toEqual([[], [], [], []]);
    expect((await providers.site.read(made.site.id, made.site.outs)).id).toBe("");
  });

  it("give up on a site stuck installing, say what it waited for, and remove the half-made site", async () => {
    await startDouble({}, { limitMs: 300 });
    double.state.stuckSites.add("restant.pr-7.example.com");
    await expect(providers.site.create(siteInputs())).rejects.toThrow(/gave up waiting for site restant\.pr-7\.example\.com \(\d+\) to be installed after \d+s .*still "installing"/);
    expect(double.requests.filter((r) => r.method === "DELETE").map((r) => r.status)).toEqual([202]);
  });

  it("refuse a domain already served by a site the stack does not own, unless adopted", async () => {
    await startDouble();
    await providers.site.create(siteInputs());
    await expect(providers.site.create(siteInputs())).rejects.toThrow(/already has a site for restant\.pr-7\.example\.com .* does not own: delete it in Forge, or adopt it/);
    const adopted = await providers.site.create(siteInputs({ adopt: true }));
    expect(double.state.sites).toHaveLength(1);
    expect(adopted.outs.adopt).toBe(true);
  });

  it("name the config key when the server does not exist", async () => {
    await startDouble();
    await expect(providers.site.create(siteInputs({ serverId: 999 }))).rejects.toThrow(/has no server 999 this token can see: check restant:forge\.serverId and restant:forge\.organization/);
    expect(double.state.sites).toEqual([]);
  });

  it("show Forge's field errors and never the token", async () => {
    await startDouble();
    const error = await providers.site.create(siteInputs({ phpVersion: "php99" })).catch((e: Error) => e);
    expect(String(error)).toMatch(/answered 422: The selected php version is invalid\.; php_version: The selected php version is invalid\./);
    expect(String(error)).not.toContain(double.token);
  });

  it("delete with the token current at delete time, after a rotation; the old token gets a clear 401", async () => {
    await startDouble();
    const { id, outs } = await providers.database.create({ ...at(), name: "restant_pr_7", version: 1 });
    const old = double.token;
    process.env.FORGE_API_TOKEN = double.rotateToken();
    await providers.database.delete(id, outs);
    process.env.FORGE_API_TOKEN = old;
    const refused = await providers.database.read(id, outs).catch((e: Error) => e);
    expect(String(refused)).toMatch(/answered 401: Unauthenticated\. \(FORGE_API_TOKEN is missing, wrong or revoked/);
    expect(String(refused)).not.toContain(old);
  });

  it("fail a deployment with the tail of its log", async () => {
    await startDouble();
    const site = await providers.site.create(siteInputs());
    double.state.failNextDeploymentWith = "Installing dependencies\nYour lock file does not contain a compatible set of packages.";
    await expect(providers.deployment.create({ ...at(), siteId: site.id, script: "set -e\n", revision: "abc1234", version: 1 })).rejects.toThrow(
      /deployment \d+ of abc1234 on site \d+ failed; the last lines of its log:\nInstalling dependencies\nYour lock file/,
    );
  });
});
