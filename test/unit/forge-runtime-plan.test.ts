import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type * as All from "../../policies/all";
import type * as RunPolicies from "../../scripts/plan/run-policies";
import { requireBuilt } from "../support/built";
import { plan, type PlanResult, resourcesOfType } from "../support/evaluate";

const { policies } = requireBuilt<typeof All>("policies/all.ts");
const { runPolicies } = requireBuilt<typeof RunPolicies>("scripts/plan/run-policies.ts");

const FORGE = (type: string) => `pulumi-nodejs:dynamic/forge:${type}`;
const forgeConfig = {
  "restant:runtime": "forge",
  "restant:forge": JSON.stringify({ organization: "restant-co", serverId: 5150, ipv4: "203.0.113.50", deployScript: ["$FORGE_PHP artisan horizon:terminate"] }),
  "restant:commit": "0123456789abcdef0123456789abcdef01234567",
};

const one = (result: PlanResult, type: string) => {
  const found = resourcesOfType(result, type);
  expect(found, `${result.stack}: ${type}`).toHaveLength(1);
  return found[0]!;
};

describe("a stack with restant:runtime forge, planned offline", () => {
  const results: Record<string, PlanResult> = {};
  beforeAll(async () => {
    results.staging = await plan({ stack: "staging" }, forgeConfig);
    results.production = await plan({ stack: "production" }, forgeConfig);
  });

  it("declares the site, database, user, .env, queue worker, deploy and certificate under ForgeRuntime, and nothing of Dokku", () => {
    const staging = results.staging!;
    expect(staging.resources.filter((r) => r.type.includes("dynamic/dokku") || r.type === "command:remote:Command")).toEqual([]);
    const runtime = one(staging, "restant:runtime:ForgeRuntime");
    expect(runtime.name).toBe("restant-runtime");
    expect(one(staging, FORGE("Site")).inputs).toMatchObject({
      organization: "restant-co",
      serverId: 5150,
      domain: "restant.staging.example.com",
      isolatedUser: "restant-staging",
      phpVersion: "php84",
      webDirectory: "/public",
      repository: "https://github.com/example/restant.git",
      branch: "staging",
    });
    expect(one(staging, FORGE("Database")).inputs).toMatchObject({ name: "restant_staging" });
    expect(one(staging, FORGE("DatabaseUser")).inputs).toMatchObject({ name: "restant_staging" });
    expect(one(staging, FORGE("BackgroundProcess")).inputs).toMatchObject({
      name: "restant-staging-queue",
      command: "php8.4 /home/restant-staging/restant.staging.example.com/artisan queue:work redis --sleep=3 --tries=3 --max-time=3600",
      directory: "/home/restant-staging/restant.staging.example.com",
      user: "restant-staging",
      processes: 1,
    });
    expect(one(staging, FORGE("Certificate")).inputs).toMatchObject({ domain: "restant.staging.example.com" });
    const deploy = one(staging, FORGE("Deployment")).inputs as { script: string; revision: string };
    expect(deploy.revision).toBe(forgeConfig["restant:commit"]);
    expect(deploy.script).toContain(`git checkout --force --detach ${forgeConfig["restant:commit"]}`);
    expect(deploy.script).toContain("git fetch --force origin staging");
    expect(deploy.script.trimEnd().endsWith("$FORGE_PHP artisan horizon:terminate")).toBe(true);
    // The DNS record points at the Forge server.
    expect(resourcesOfType(staging, "cloudflare:index/dnsRecord:DnsRecord").map((r) => r.inputs.content)).toContain("203.0.113.50");
  });

  it("hands what belongs to the site or database their resource id, which stays known in the preview of an update", () => {
    // Their siteId/databaseId outputs are unknown there (the dynamic-provider host drops a diff's stables): a site
    // updated by a refresh would preview its .env, deploy and certificate as replaced (docs/forge.md).
    const staging = results.staging!;
    const siteId = `${one(staging, FORGE("Site")).name}-id`;
    for (const type of ["EnvironmentFile", "Deployment", "Certificate"]) expect(one(staging, FORGE(type)).inputs, type).toMatchObject({ siteId });
    expect(one(staging, FORGE("DatabaseUser")).inputs).toMatchObject({ databaseIds: [`${one(staging, FORGE("Database")).name}-id`] });
  });

  it("keeps the .env and the database password secret, and passes every mandatory policy", async () => {
    for (const result of [results.staging!, results.production!]) {
      expect(one(result, FORGE("EnvironmentFile")).secretPaths).toContain("content");
      expect(one(result, FORGE("DatabaseUser")).secretPaths).toContain("password");
      const violations = await runPolicies(result.resources, policies);
      expect(violations.filter((v) => v.enforcementLevel === "mandatory")).toEqual([]);
    }
  });

  it("protects production's database and backs it up, verified, before anything migrates", () => {
    const production = results.production!;
    expect(one(production, FORGE("Database")).options).toMatchObject({ protect: true, retainOnDelete: true });
    expect(one(results.staging!, FORGE("Database")).options).toMatchObject({ protect: false, retainOnDelete: false });
    const script = (one(production, FORGE("Deployment")).inputs as { script: string }).script;
    expect(script.indexOf("mysqldump --single-transaction")).toBeGreaterThan(0);
    expect(script.indexOf("mysqldump --single-transaction")).toBeLessThan(script.indexOf("artisan migrate"));
    expect(script).toContain("backup_dir=/home/restant-main/backups/restant_main");
    expect((one(results.staging!, FORGE("Deployment")).inputs as { script: string }).script).not.toContain("mysqldump");
  });

  it("writes a deploy script shellcheck finds nothing wrong with", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "forge-deploy-"));
    try {
      const file = path.join(dir, "deploy.sh");
      writeFileSync(file, (one(results.production!, FORGE("Deployment")).inputs as { script: string }).script);
      // Throws with shellcheck's findings when there are any.
      execFileSync("shellcheck", ["--shell=bash", file], { encoding: "utf8" });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("is refused by the policies when a Forge resource strays: another user or domain, an unprotected production database, a plain .env", async () => {
    const edit = (result: PlanResult, type: string, change: (r: PlanResult["resources"][number]) => void) =>
      result.resources.map((r) => {
        if (r.type !== type) return r;
        const copy = structuredClone(r);
        change(copy);
        return copy;
      });
    const messages = async (resources: PlanResult["resources"]) => (await runPolicies(resources, policies)).filter((v) => v.enforcementLevel === "mandatory").map((v) => v.message);
    expect(await messages(edit(results.staging!, FORGE("Site"), (r) => Object.assign(r.revealedInputs, { isolatedUser: "restant-main", domain: "restant.main.example.com" })))).toEqual([
      expect.stringMatching(/site user of .* is "restant-main" \(input isolatedUser\), not the spec's "restant-staging"/),
      expect.stringMatching(/domain of .* is "restant\.main\.example\.com" \(input domain\)/),
    ]);
    expect(await messages(edit(results.production!, FORGE("Database"), (r) => Object.assign(r.options, { protect: false, retainOnDelete: false })))).toEqual([
      expect.stringMatching(/production database pulumi-nodejs:dynamic\/forge:Database .* lacks protect and retainOnDelete/),
    ]);
    expect(await messages(edit(results.staging!, FORGE("EnvironmentFile"), (r) => (r.secretPaths = [])))).toEqual([expect.stringMatching(/the \.env of .* is plain text/)]);
  });

  it("names the key when the Forge settings are wrong", async () => {
    await expect(plan({ stack: "staging" }, { ...forgeConfig, "restant:forge": JSON.stringify({ organization: "Restant Co", serverId: 0, ipv4: "203.0.113.50" }) })).rejects.toThrow(
      /restant:forge\.organization[\s\S]*restant:forge\.serverId/,
    );
  });
});

describe("a preview with restant:runtime forge, planned offline", () => {
  const previews = { serverId: 5151, ipv4: "203.0.113.51", ssh: { host: "previews.example.org", hostKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIExampleExampleExampleExampleExampleExample0" } };
  const previewForge = { ...forgeConfig, "restant:forge": JSON.stringify({ organization: "restant-co", serverId: 5150, ipv4: "203.0.113.50", previews }) };
  let preview: PlanResult;
  beforeAll(async () => {
    preview = await plan({ stack: "pr-7", branch: "feat/x" }, previewForge);
  });

  it("declares everything on the previews' server, its snapshot copy and Redis slot over SSH as forge, the deploy after the copy", () => {
    for (const resource of preview.resources.filter((r) => r.type.startsWith(FORGE("")) && "serverId" in r.revealedInputs)) {
      expect(resource.revealedInputs.serverId, resource.type).toBe(5151);
    }
    const target = { host: "previews.example.org", port: 22, user: "forge", hostKey: previews.ssh.hostKey };
    const copy = one(preview, FORGE("DatabaseClone"));
    expect(copy.revealedInputs).toMatchObject({ target, database: "restant_pr_7", snapshot: "restant_snapshot" });
    expect(one(preview, FORGE("RedisSlot")).revealedInputs).toMatchObject({ target, redisPort: 6379, holder: "pr-7", registry: "restant:redis-slots" });
    expect(one(preview, FORGE("Deployment")).options.dependsOn).toContain(copy.urn);
    expect(one(preview, FORGE("SecurityRule")).revealedInputs).toMatchObject({ domain: "restant-pr-7.example.com", user: "restant" });
    expect(preview.resources.filter((r) => r.type.includes("dynamic/dokku"))).toEqual([]);
  });

  it("passes the policies, which refuse it moved onto production's server", async () => {
    const mandatory = async (resources: PlanResult["resources"]) => (await runPolicies(resources, policies)).filter((v) => v.enforcementLevel === "mandatory").map((v) => v.message);
    expect(await mandatory(preview.resources)).toEqual([]);
    const moved = preview.resources.map((r) => (r.type === FORGE("Database") ? { ...r, revealedInputs: { ...r.revealedInputs, serverId: 5150 }, inputs: { ...r.inputs, serverId: 5150 } } : r));
    expect(await mandatory(moved)).toEqual([expect.stringMatching(/Database "restant-runtime-database" is on Forge server 5150, production's and staging's/)]);
  });

  it("is refused before anything is declared when the previews' server is production's", async () => {
    await expect(plan({ stack: "pr-7", branch: "feat/x" }, { ...forgeConfig, "restant:forge": JSON.stringify({ organization: "restant-co", serverId: 5150, ipv4: "203.0.113.50", previews: { ...previews, serverId: 5150 } }) })).rejects.toThrow(
      /restant:forge\.previews\.serverId: is 5150, the server production and staging run on/,
    );
  });
});
