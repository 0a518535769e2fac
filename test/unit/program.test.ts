import { beforeAll, describe, expect, it } from "vitest";
import { plan, type PlanResult, resourcesOfType, secretValues } from "../support/evaluate";

const DNS = "cloudflare:index/dnsRecord:DnsRecord";

describe("the program under mocks", () => {
  const results: Record<string, PlanResult> = {};

  beforeAll(async () => {
    results.production = await plan({ stack: "production" });
    results.staging = await plan({ stack: "staging" });
    results.platform = await plan({ stack: "platform" });
    results.pr7 = await plan({ stack: "pr-7", branch: "feat/Ünïcode;$(rm${IFS}-rf${IFS}/)" });
    results.pr8 = await plan({ stack: "pr-8", branch: "feat/Ünïcode;$(rm${IFS}-rf${IFS}/)" });
  });

  it("gives production and staging their hostnames and records pointing at the runtime host", () => {
    expect(results.production!.spec).toMatchObject({ hostname: "restant.main.example.com", url: "https://restant.main.example.com" });
    const [record] = resourcesOfType(results.production!, DNS);
    expect(record!.inputs).toMatchObject({ name: "restant.main.example.com", type: "A", content: "203.0.113.10", proxied: false });
    expect(resourcesOfType(results.staging!, DNS)[0]!.inputs).toMatchObject({ name: "restant.staging.example.com" });
  });

  it("puts a preview one level below the zone and closes it with a basic-auth password", () => {
    const pr7 = results.pr7!;
    expect(pr7.spec).toMatchObject({ hostname: "restant-pr-7.example.com", kind: "preview" });
    expect(pr7.outputs.basicAuthPassword?.secret).toBe(true);
    expect(results.production!.outputs.basicAuthPassword).toBeUndefined();
  });

  it("never gives two previews the same name", () => {
    const names = (r: PlanResult) => new Set(r.spec.kind === "platform" ? [] : [...Object.values(r.spec.names), r.spec.hostname]);
    const environments = [results.pr7!, results.pr8!, results.production!, results.staging!];
    for (const a of environments) {
      for (const b of environments) {
        if (a === b) continue;
        const shared = [...names(a)].filter((n) => names(b).has(n));
        expect(shared, `${a.stack} and ${b.stack}`).toEqual([]);
      }
    }
  });

  it("keeps every secret secret: outputs, and nowhere unmasked in other inputs or outputs", () => {
    for (const result of Object.values(results)) {
      if (result.spec.kind !== "platform") expect(result.outputs.appKey?.secret, `${result.stack} appKey`).toBe(true);
      const secrets = secretValues(result);
      if (result.spec.kind !== "platform") expect(secrets.length).toBeGreaterThanOrEqual(2);
      const plainOutputs = JSON.stringify(Object.values(result.outputs).filter((o) => !o.secret));
      const maskedInputs = JSON.stringify(result.resources.map((r) => r.inputs));
      for (const secret of secrets) {
        expect(plainOutputs).not.toContain(secret);
        expect(maskedInputs).not.toContain(secret);
      }
    }
    expect(results.staging!.outputs.appKey!.value).toMatch(/^base64:[A-Za-z0-9+/]{43}=$/);
  });

  it("proxies a one-level preview when asked, with automatic TTL, and refuses a deep one", async () => {
    const proxied = await plan({ stack: "pr-9", branch: "x" }, { "restant:dns": JSON.stringify({ proxied: true, ttl: 300 }) });
    expect(resourcesOfType(proxied, DNS)[0]!.inputs).toMatchObject({ proxied: true, ttl: 1 });
    await expect(plan({ stack: "staging" }, { "restant:dns": JSON.stringify({ proxied: true }) })).rejects.toThrow(
      /restant:dns\.proxied.*Universal SSL/s,
    );
  });

  it("declares nothing when the config is bad", async () => {
    await expect(plan({ stack: "staging" }, { "restant:zoneId": "nope" })).rejects.toThrow(/restant:zoneId/);
  });

  it("makes a database password only where the runtime makes the database user, and gives that user the name infra/names.ts derives", async () => {
    const passwords = (result: PlanResult) => resourcesOfType(result, "random:index/randomPassword:RandomPassword").filter((r) => r.name.endsWith("-database-password"));
    // Dokku: dokku-mysql makes the user and its password and hands them to the app in DATABASE_URL; no second one.
    for (const result of [results.production!, results.staging!, results.pr7!]) {
      if (result.spec.kind === "platform") continue;
      expect(result.spec.database.user, result.stack).toBeUndefined();
      expect(passwords(result), result.stack).toEqual([]);
      expect(result.outputs.databasePassword, result.stack).toBeUndefined();
    }
    // Forge: the site's MySQL user is names.mysqlUser, with the generated password in its input and the site's .env.
    const forge = await plan(
      { stack: "staging" },
      {
        "restant:runtime": "forge",
        "restant:forge": JSON.stringify({ organization: "restant-co", serverId: 5150, ipv4: "203.0.113.50" }),
        "restant:commit": "0123456789abcdef0123456789abcdef01234567",
      },
    );
    if (forge.spec.kind === "platform") throw new Error("staging planned as the platform");
    expect(forge.spec.database).toMatchObject({ name: forge.spec.names.mysqlDatabase, user: forge.spec.names.mysqlUser });
    expect(passwords(forge)).toHaveLength(1);
    const password = forge.outputs.databasePassword!;
    expect(password.secret).toBe(true);
    const [user] = resourcesOfType(forge, "pulumi-nodejs:dynamic/forge:DatabaseUser");
    expect(user!.revealedInputs).toMatchObject({ name: forge.spec.names.mysqlUser, password: password.value });
    const [env] = resourcesOfType(forge, "pulumi-nodejs:dynamic/forge:EnvironmentFile");
    expect(String(env!.revealedInputs.content)).toContain(`\nDB_USERNAME='${forge.spec.names.mysqlUser}'\n`);
    expect(String(env!.revealedInputs.content)).toContain(`\nDB_PASSWORD='${String(password.value)}'\n`);
  });

  it("adds an AAAA record when the host has IPv6", async () => {
    const dokku = JSON.parse(JSON.stringify(results.staging!.spec.kind === "platform" ? {} : results.staging!.spec.runtime));
    const withV6 = await plan({ stack: "staging" }, { "restant:dokku": JSON.stringify({ ...dokku.dokku, ipv6: "2001:db8::10" }) });
    expect(resourcesOfType(withV6, DNS).map((r) => r.inputs.type)).toEqual(["A", "AAAA"]);
  });
});
