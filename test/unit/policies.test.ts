import { createRequire } from "node:module";
import { unknownCheckingProxy } from "@pulumi/policy";
import { describe, expect, it } from "vitest";
import type { EnvironmentSpec } from "../../infra/spec";
import { policies } from "../../policies/all";
import { alertsRouted } from "../../policies/rules/alerts-routed";
import { dnsProxyDepth } from "../../policies/rules/dns-proxy-depth";
import { namesFollowSpec } from "../../policies/rules/names-follow-spec";
import { guardedEnvironments, previewsIsolated } from "../../policies/rules/previews-isolated";
import { previewsProtected } from "../../policies/rules/previews-protected";
import { productionDataProtected } from "../../policies/rules/production-data-protected";
import { remoteCommandsSafe } from "../../policies/rules/remote-commands-safe";
import { secretsAreSecret } from "../../policies/rules/secrets-are-secret";
import { projectRoot } from "../support/built";
import { type HandBuilt, type Outcome, specFor, tenantEnvironment, validateResource, validateStack } from "../support/policy-harness";

import {
  CERTIFICATE_PACK,
  DNS_RECORD as DNS,
  DOKKU_APP as APP,
  DOKKU_HTTP_AUTH as HTTP_AUTH,
  DOKKU_LETSENCRYPT as LETSENCRYPT,
  DOKKU_MYSQL_LINK as MYSQL_LINK,
  DOKKU_MYSQL_SERVICE as MYSQL,
  DOKKU_REDIS_LINK as REDIS_LINK,
  DOKKU_REDIS_SLOT as SLOT,
  FORGE_SECURITY_RULE as SECURITY_RULE,
  FORGE_SITE as SITE,
  FLAGSMITH_ENVIRONMENT as FLAGSMITH,
  REMOTE_COMMAND as COMMAND,
  RULE_GROUP as RULES,
} from "../../policies/resource-types";

/** Internal to @pulumi/policy: the value its server puts where a preview does not know a string yet. */
const { unknownStringValue } = createRequire(`${projectRoot}/package.json`)("@pulumi/policy/proxy") as { unknownStringValue: object };

const production = specFor({ stack: "production" }) as EnvironmentSpec;
const staging = specFor({ stack: "staging" }) as EnvironmentSpec;
const preview = specFor({ stack: "pr-7", branch: "feat/x" }) as EnvironmentSpec;
const branch = specFor({ branch: "feat/checkout" }) as EnvironmentSpec;
const platform = specFor({ stack: "platform" });

function violations(outcome: Outcome): string[] {
  if ("notApplicable" in outcome) throw new Error(`expected a validation, got not applicable: ${outcome.notApplicable}`);
  return outcome.violations;
}

/** The Redis slot a branch's or preview's component would declare. */
function slotOf(spec: EnvironmentSpec, extra: Record<string, unknown> = {}): HandBuilt {
  if (spec.redis.mode !== "slot") throw new Error(`${spec.stack} links its own Redis, it claims no slot`);
  const { service, registry, range } = spec.redis;
  return { type: SLOT, name: "restant-redis-slot", props: { service, registry, range, holder: spec.names.slug, app: spec.names.app, ...extra } };
}

/** Production's or staging's link to its own Redis service, as its component would declare it. */
function linkOf(spec: EnvironmentSpec, extra: Record<string, unknown> = {}): HandBuilt {
  return { type: REDIS_LINK, name: "restant-redis", props: { service: spec.names.redisService, app: spec.names.app, ...extra } };
}

/** The app a spec's component would declare: every name from the spec. */
function appOf(spec: EnvironmentSpec, extra: Record<string, unknown> = {}): HandBuilt {
  return { type: APP, name: "restant-app", props: { appName: spec.names.app, domains: [spec.hostname], config: {}, ...extra } };
}

describe("the pack", () => {
  it("gives every policy a unique name, a description and an explicit enforcement level", () => {
    expect(new Set(policies.map((p) => p.name)).size).toBe(policies.length);
    for (const policy of policies) {
      expect(policy.description.length, policy.name).toBeGreaterThan(20);
      expect(["mandatory", "advisory"], policy.name).toContain(policy.enforcementLevel);
    }
    expect(policies.filter((p) => p.enforcementLevel === "advisory").map((p) => p.name)).toEqual(["alerts-routed"]);
  });
});

describe("production-data-protected", () => {
  const db = (opts: HandBuilt["opts"]): HandBuilt => ({ type: MYSQL, name: "restant-db", props: { service: "restant-main" }, opts });

  it("passes a production database with protect and retainOnDelete", async () => {
    expect(violations(await validateStack(productionDataProtected, [tenantEnvironment(production), db({ protect: true, retainOnDelete: true })]))).toEqual([]);
  });

  it("refuses a production database without protect or retainOnDelete, saying what to set", async () => {
    const [message] = violations(await validateStack(productionDataProtected, [tenantEnvironment(production), db({ protect: true, retainOnDelete: false })]));
    expect(message).toMatch(/lacks retainOnDelete: declare it with \{ protect: true, retainOnDelete: true \}/);
    const [both] = violations(await validateStack(productionDataProtected, [tenantEnvironment(production), db({ retainOnDelete: false })]));
    expect(both).toMatch(/lacks protect and retainOnDelete/);
  });

  it("checks protect alone where the engine does not say retainOnDelete", async () => {
    expect(violations(await validateStack(productionDataProtected, [tenantEnvironment(production), db({ protect: true })]))).toEqual([]);
    expect(violations(await validateStack(productionDataProtected, [tenantEnvironment(production), db({})]))).toHaveLength(1);
  });

  it("leaves other environments' databases alone", async () => {
    expect(violations(await validateStack(productionDataProtected, [tenantEnvironment(staging), db({ retainOnDelete: false })]))).toEqual([]);
  });
});

describe("previews-isolated", () => {
  const [prod, stage] = guardedEnvironments();

  it("derives production's and staging's names with infra's own functions", () => {
    expect(prod!.names).toEqual(production.names);
    expect(stage!.names).toEqual(staging.names);
  });

  it("passes a preview that uses only its own names, and one cloning staging's Flagsmith environment", async () => {
    const resources = [
      tenantEnvironment(preview),
      appOf(preview, { config: { REDIS_PREFIX: preview.names.redisKeyPrefix, SENTRY_ENVIRONMENT: "pr-7" } }),
      { type: FLAGSMITH, props: { name: "pr-7", cloneFrom: stage!.names.flagsmithEnvironment } },
      slotOf(preview),
    ];
    expect(violations(await validateStack(previewsIsolated, resources))).toEqual([]);
  });

  it.each([
    ["production's app in a command", { type: COMMAND, props: { create: `dokku ps:stop ${production.names.app}` } }, /production's app\/mysqlService\/redisService "restant-main" at create/],
    ["staging's database service", { type: MYSQL, props: { service: staging.names.mysqlService } }, /staging's app\/mysqlService\/redisService "restant-staging"/],
    ["production's Redis prefix", appOf(preview, { config: { REDIS_PREFIX: production.names.redisKeyPrefix } }), /production's Redis key prefix/],
    ["staging's Flagsmith environment", { type: FLAGSMITH, props: { name: staging.names.flagsmithEnvironment } }, /staging's Flagsmith environment "staging" at name/],
    ["production's Redis slot", slotOf(preview, { holder: production.names.slug }), /production's Redis slot \(held by "main"\)/],
    ["a link to production's own Redis", linkOf(preview, { service: production.names.redisService }), /production's Redis service "restant-main" \(a link to it\) at service/],
    ["a slot claimed on staging's own Redis", slotOf(preview, { service: staging.names.redisService }), /staging's Redis service "restant-staging" \(a slot claimed on it\) at service/],
    ["staging's Sentry environment", appOf(preview, { config: { SENTRY_ENVIRONMENT: "staging" } }), /staging's Sentry environment/],
  ] satisfies [string, HandBuilt, RegExp][])("refuses a preview resource using %s", async (_what, resource, message) => {
    const found = violations(await validateStack(previewsIsolated, [tenantEnvironment(preview), resource]));
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(message);
    expect(found[0]).toMatch(/takes every name from its own spec/);
  });

  it.each([
    ["links production's own Redis", linkOf(branch, { service: production.names.redisService }), /branch resource .* production's Redis service "restant-main" \(a link to it\)/],
    ["claims a slot on staging's own Redis", slotOf(branch, { service: staging.names.redisService }), /staging's Redis service "restant-staging" \(a slot claimed on it\)/],
    ["names production's Redis in a command", { type: COMMAND, props: { create: `redis:connect ${production.names.redisService}` } }, /production's Redis service "restant-main" at create/],
    ["claims a slot as staging", slotOf(branch, { holder: staging.names.slug }), /staging's Redis slot \(held by "staging"\) at holder/],
  ] satisfies [string, HandBuilt, RegExp][])("refuses a branch resource that %s", async (_what, resource, message) => {
    const found = violations(await validateStack(previewsIsolated, [tenantEnvironment(branch), resource]));
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(message);
  });

  it("passes a branch that claims its slot on the non-production Redis", async () => {
    expect(violations(await validateStack(previewsIsolated, [tenantEnvironment(branch), appOf(branch), slotOf(branch)]))).toEqual([]);
  });

  it("leaves production and staging stacks alone", async () => {
    expect(violations(await validateStack(previewsIsolated, [tenantEnvironment(staging), appOf(staging)]))).toEqual([]);
  });

  it("judges every resource of a preview whose app config is not known yet (the engine would skip a policy that throws)", async () => {
    // A new preview's app config holds APP_KEY and the Sentry DSN, made in the same up: the whole object is unknown.
    const app: HandBuilt = { type: APP, name: "restant-runtime-app", props: unknownCheckingProxy({ appName: preview.names.app, domains: [preview.hostname], config: unknownStringValue }) };
    const cloneOfProduction: HandBuilt = { type: MYSQL, name: "restant-runtime-database", props: { service: preview.names.mysqlService, cloneFrom: production.names.mysqlService } };
    for (const resources of [[app, cloneOfProduction], [cloneOfProduction, app]]) {
      const found = violations(await validateStack(previewsIsolated, [tenantEnvironment(preview), ...resources]));
      expect(found).toEqual([expect.stringMatching(/production's app\/mysqlService\/redisService "restant-main" at cloneFrom/)]);
    }
    expect(violations(await validateStack(previewsIsolated, [tenantEnvironment(preview), app]))).toEqual([]);
  });

  it("judges the Sentry environment from the spec, which the app's unknown config is made from", async () => {
    const borrowed: EnvironmentSpec = { ...preview, names: { ...preview.names, sentryEnvironment: staging.names.sentryEnvironment } };
    const found = violations(await validateStack(previewsIsolated, [tenantEnvironment(borrowed)]));
    expect(found).toEqual([expect.stringMatching(/preview stack pr-7 is given staging's Sentry environment "staging" by its spec/)]);
  });

  it.each([
    ["a database service's clone source", MYSQL, { service: "restant-pr-7", cloneFrom: unknownStringValue }, "cloneFrom"],
    ["a Redis slot's holder", SLOT, { service: "restant-previews", holder: unknownStringValue }, "holder"],
    ["a Flagsmith environment's name", FLAGSMITH, { name: unknownStringValue }, "name"],
    ["a remote command's text", COMMAND, { create: unknownStringValue }, "create"],
  ] as const)("fails closed on %s not known during preview", async (_what, type, props, input) => {
    const found = violations(await validateStack(previewsIsolated, [tenantEnvironment(preview), { type, name: "x", props: unknownCheckingProxy({ ...props }) }]));
    expect(found).toEqual([expect.stringContaining(`has ${input} not known during preview, so it cannot be proven not to be production's or staging's`)]);
  });

  it("skips values the engine does not know yet during a preview, still judging the known ones", async () => {
    const props = unknownCheckingProxy({ stdin: unknownStringValue, delete: `dokku apps:destroy ${production.names.app}`, list: [unknownStringValue] });
    const found = violations(await validateStack(previewsIsolated, [tenantEnvironment(preview), { type: COMMAND, props }]));
    expect(found).toEqual([expect.stringMatching(/production's app\/mysqlService\/redisService "restant-main" at delete/)]);
  });
});

describe("dns-proxy-depth", () => {
  const record = (name: string, proxied = true, zoneId = preview.zoneId): HandBuilt => ({ type: DNS, name: "restant-dns-a", props: { name, proxied, zoneId } });
  const deepSpec: EnvironmentSpec = { ...preview, dns: { ...preview.dns, advancedCertificate: true } };

  it("passes proxied records one level below the zone, and deep records not proxied", async () => {
    const resources = [tenantEnvironment(preview), record("restant-pr-7.example.com"), record("restant-pr-7"), record("a.b.example.com", false)];
    expect(violations(await validateStack(dnsProxyDepth, resources))).toEqual([]);
  });

  it("refuses a proxied record two labels deep, saying the three ways out", async () => {
    const [message] = violations(await validateStack(dnsProxyDepth, [tenantEnvironment(preview), record("restant.pr-7.example.com")]));
    expect(message).toMatch(/2 labels below example\.com/);
    expect(message).toMatch(/restant:dns\.proxied to false.*one-level hostname template.*restant:dns\.advancedCertificate/s);
    expect(violations(await validateStack(dnsProxyDepth, [tenantEnvironment(preview), record("restant.pr-7")]))).toHaveLength(1);
  });

  it("accepts a deep proxied record when the stack declares an Advanced Certificate or one covers it", async () => {
    expect(violations(await validateStack(dnsProxyDepth, [tenantEnvironment(deepSpec), record("restant.pr-7.example.com")]))).toEqual([]);
    const pack: HandBuilt = { type: CERTIFICATE_PACK, props: { hosts: ["*.pr-7.example.com"] } };
    expect(violations(await validateStack(dnsProxyDepth, [tenantEnvironment(preview), pack, record("restant.pr-7.example.com")]))).toEqual([]);
  });

  it("refuses a proxied record in a zone the stack does not name", async () => {
    const [message] = violations(await validateStack(dnsProxyDepth, [tenantEnvironment(platform), record("x.example.com", true, "f".repeat(32))]));
    expect(message).toMatch(/zone this stack's spec does not name/);
  });
});

describe("remote-commands-safe", () => {
  const safe = {
    connection: { host: "dokku.example.com", user: "dokku", hostKey: "ssh-ed25519 AAAA" },
    create: "dokku mysql:clone restant-snapshot restant-pr-7",
    delete: 'redis-cli -n "$SLOT" flushdb',
    stdin: "the secret",
    addPreviousOutputInEnv: false,
  };
  const command = (props: Record<string, unknown>, secretPaths?: string[]): HandBuilt => ({ type: COMMAND, name: "clone", props, ...(secretPaths ? { secretPaths } : {}) });

  it("passes a command that pins the host key, drops previous output and takes secrets on stdin", async () => {
    expect(violations(await validateResource(remoteCommandsSafe, command(safe, ["stdin"])))).toEqual([]);
    expect(violations(await validateResource(remoteCommandsSafe, command({ ...safe, create: 'mysql --password="$DB_PASSWORD" < dump' })))).toEqual([]);
  });

  it("refuses a command without a pinned host key or that keeps previous output", async () => {
    const found = violations(await validateResource(remoteCommandsSafe, command({ ...safe, connection: { host: "h" }, addPreviousOutputInEnv: undefined })));
    expect(found.join("\n")).toMatch(/does not pin the server's host key.*connection\.hostKey/);
    expect(found.join("\n")).toMatch(/set addPreviousOutputInEnv: false/);
  });

  it("refuses a secret in the command text: a secret input offline, a literal secret anywhere, never echoing it", async () => {
    const [offline] = violations(await validateResource(remoteCommandsSafe, command({ ...safe, update: "dokku config:set x SOMETHING=s3cr3t-value" }, ["update"])));
    expect(offline).toMatch(/secret in its update text.*on stdin/);
    expect(offline).not.toContain("s3cr3t-value");
    for (const create of ["DB_PASSWORD=hunter2 ./import", "mysql --password=hunter2", `echo base64:${"A".repeat(43)}=`]) {
      const found = violations(await validateResource(remoteCommandsSafe, command({ ...safe, create })));
      expect(found, create).toHaveLength(1);
      expect(found[0]).not.toContain("hunter2");
    }
  });

  it("ignores other resource types", async () => {
    expect(violations(await validateResource(remoteCommandsSafe, { type: "command:local:Command", props: { create: "PASSWORD=x" } }))).toEqual([]);
  });
});

describe("secrets-are-secret", () => {
  const config = { APP_KEY: "base64:k", APP_NAME: "Restant", DB_PASSWORD: "p", SENTRY_LARAVEL_DSN: "https://k@s/1", FLAGSMITH_ENVIRONMENT_KEY: "ser.x" };

  it("passes an app whose secret-named config values are secret inputs, key by key or as a whole", async () => {
    const secretPaths = ["config.APP_KEY", "config.DB_PASSWORD", "config.SENTRY_LARAVEL_DSN", "config.FLAGSMITH_ENVIRONMENT_KEY"];
    expect(violations(await validateResource(secretsAreSecret, { type: APP, props: { config }, secretPaths }))).toEqual([]);
    expect(violations(await validateResource(secretsAreSecret, { type: APP, props: { config }, secretPaths: ["config"] }))).toEqual([]);
  });

  it("refuses each plain secret-named value, naming the key and never its value", async () => {
    const found = violations(await validateResource(secretsAreSecret, { type: APP, name: "restant-app", props: { config }, secretPaths: ["config.APP_KEY"] }));
    expect(found.map((m) => m.match(/config (\w+)/)?.[1])).toEqual(["DB_PASSWORD", "SENTRY_LARAVEL_DSN", "FLAGSMITH_ENVIRONMENT_KEY"]);
    expect(found[0]).toMatch(/wrap it with pulumi\.secret\(\)/);
    expect(found.join("\n")).not.toContain("ser.x");
  });

  it("says it cannot judge where the engine hides which inputs are secret", async () => {
    expect(await validateResource(secretsAreSecret, { type: APP, props: { config } })).toMatchObject({ notApplicable: expect.stringMatching(/npm run plan/) });
  });
});

describe("previews-protected", () => {
  const httpAuth = (props: Record<string, unknown>): HandBuilt => ({ type: HTTP_AUTH, props });
  const closing = httpAuth({ app: preview.names.app, user: "restant", password: "pw" });

  it("passes a preview app with an http-auth resource for it", async () => {
    expect(violations(await validateStack(previewsProtected, [tenantEnvironment(preview), appOf(preview), closing]))).toEqual([]);
  });

  it("refuses a preview app open to the public, closed for another app or without a password, and a spec with basic auth off", async () => {
    for (const auth of [[], [httpAuth({ app: "restant-pr-8", user: "restant", password: "pw" })], [httpAuth({ app: preview.names.app, user: "restant", password: "" })]]) {
      const found = violations(await validateStack(previewsProtected, [tenantEnvironment(preview), appOf(preview), ...auth]));
      expect(found).toEqual([expect.stringMatching(/preview app "restant-pr-7" is open to the public: give it HTTP basic auth/)]);
    }
    const [spec] = violations(await validateStack(previewsProtected, [tenantEnvironment({ ...preview, basicAuth: false }), appOf(preview), closing]));
    expect(spec).toMatch(/basicAuth off/);
  });

  it("decides during a preview that generates the password (not known yet), and refuses an auth whose app is not known", async () => {
    const generated = httpAuth(unknownCheckingProxy({ app: preview.names.app, user: "restant", password: unknownStringValue }));
    expect(violations(await validateStack(previewsProtected, [tenantEnvironment(preview), appOf(preview), generated]))).toEqual([]);
    const unknownApp = httpAuth(unknownCheckingProxy({ app: unknownStringValue, user: "restant", password: "pw" }));
    expect(violations(await validateStack(previewsProtected, [tenantEnvironment(preview), appOf(preview), unknownApp]))).toEqual([
      expect.stringMatching(/preview app "restant-pr-7" is open to the public/),
    ]);
  });

  it("leaves production's public app alone", async () => {
    expect(violations(await validateStack(previewsProtected, [tenantEnvironment(production), appOf(production)]))).toEqual([]);
  });

  describe("on Forge", () => {
    const site: HandBuilt = { type: SITE, name: "restant-runtime-site", props: { domain: preview.hostname, isolatedUser: preview.names.siteUser } };
    const rule = (props: Record<string, unknown>): HandBuilt => ({ type: SECURITY_RULE, name: "restant-runtime-basic-auth", props: { domain: preview.hostname, name: preview.names.app, user: "restant", ...props } });

    it("passes a preview site closed by a security rule: planned with its password, or made (outputs: a hash of it, no password)", async () => {
      expect(violations(await validateStack(previewsProtected, [tenantEnvironment(preview), site, rule({ password: "pw" })]))).toEqual([]);
      expect(violations(await validateStack(previewsProtected, [tenantEnvironment(preview), site, rule({ credentialsHash: "c2FsdGVkLWhhc2g=" })]))).toEqual([]);
      const generated = rule({ password: unknownStringValue, credentialsHash: unknownStringValue });
      expect(violations(await validateStack(previewsProtected, [tenantEnvironment(preview), site, { ...generated, props: unknownCheckingProxy(generated.props) }]))).toEqual([]);
    });

    it("refuses a preview site with no rule, a rule for another site, or a rule whose credentials are gone", async () => {
      for (const auth of [[], [rule({ domain: `restant.pr-8.${preview.zone}`, password: "pw" })], [rule({ credentialsHash: "" })], [rule({ password: "pw", user: undefined })]]) {
        const found = violations(await validateStack(previewsProtected, [tenantEnvironment(preview), site, ...auth]));
        expect(found).toEqual([expect.stringMatching(new RegExp(`preview app "${preview.hostname.replace(/\./g, "\\.")}" is open to the public: .*components/forge/security-rule\\.ts on Forge`))]);
      }
    });
  });
});

describe("alerts-routed (advisory)", () => {
  const group = (spec: EnvironmentSpec, severity: string, contactPoint = spec.monitoring!.contactPoint, environment = spec.names.slug): HandBuilt => ({
    type: RULES,
    name: "restant-monitoring-rules",
    props: { rules: [{ name: "down", labels: { environment, severity }, notificationSettings: { contactPoint } }] },
  });

  it("passes production paging on-call and staging notifying", async () => {
    expect(violations(await validateStack(alertsRouted, [tenantEnvironment(production), group(production, "page")]))).toEqual([]);
    expect(violations(await validateStack(alertsRouted, [tenantEnvironment(staging), group(staging, "notify")]))).toEqual([]);
  });

  it("warns of a paging preview, a rule without the slug, a wrong contact point and no rules at all", async () => {
    expect(violations(await validateStack(alertsRouted, [tenantEnvironment(preview), group(preview, "page")]))[0]).toMatch(/only production pages/);
    expect(violations(await validateStack(alertsRouted, [tenantEnvironment(staging), group(staging, "notify", undefined, "main")]))[0]).toMatch(/not labelled environment="staging"/);
    expect(violations(await validateStack(alertsRouted, [tenantEnvironment(staging), group(staging, "notify", "restant-oncall")]))[0]).toMatch(/not the environment's "restant-notify"/);
    expect(violations(await validateStack(alertsRouted, [tenantEnvironment(staging)]))[0]).toMatch(/no Grafana alert rule group.*restant:grafana/);
    expect(violations(await validateStack(alertsRouted, [tenantEnvironment(production), group(production, "notify")]))[0]).toMatch(/production has no paging/);
  });
});

describe("names-follow-spec", () => {
  it("decides during a preview: a link's database (the clone or claimed member, an output) is judged at up, an unknown app is refused", async () => {
    const link = (props: Record<string, unknown>): HandBuilt => ({ type: MYSQL_LINK, name: "restant-runtime-database-link", props: unknownCheckingProxy(props) });
    const known = [tenantEnvironment(preview), appOf(preview)];
    expect(violations(await validateStack(namesFollowSpec, [...known, link({ service: unknownStringValue, app: preview.names.app })]))).toEqual([]);
    expect(violations(await validateStack(namesFollowSpec, [...known, link({ service: unknownStringValue, app: unknownStringValue })]))).toEqual([
      expect.stringMatching(/linked app of .* is missing \(input app\)/),
    ]);
  });

  it("passes resources carrying the spec's names, DNS names relative or qualified", async () => {
    const resources = [
      tenantEnvironment(staging),
      appOf(staging),
      { type: MYSQL, props: { service: staging.names.mysqlService, app: staging.names.app } },
      linkOf(staging),
      { type: DNS, props: { name: staging.hostname } },
      { type: DNS, props: { name: "restant.staging", type: "AAAA" } },
      { type: DNS, props: { name: "_acme-challenge.restant.staging.example.com", type: "TXT" } },
      { type: FLAGSMITH, props: { name: "staging" } },
    ];
    expect(violations(await validateStack(namesFollowSpec, resources))).toEqual([]);
  });

  it.each([
    ["the app", appOf(staging, { appName: "restant-stage" }), /app .* is "restant-stage" \(input appName\), not the spec's "restant-staging"/],
    ["a domain", appOf(staging, { domains: [staging.hostname, "www.example.com"] }), /domain .* "www\.example\.com"/],
    ["the database", { type: MYSQL, name: "db", props: { service: "restant_staging" } }, /database .* not the spec's "restant-staging"/],
    ["the hostname", { type: DNS, props: { name: "staging.example.com" } }, /hostname .* "staging\.example\.com"/],
    ["the Flagsmith environment", { type: FLAGSMITH, props: {} }, /Flagsmith environment .* is missing/],
    ["the service a database link links", { type: MYSQL_LINK, props: { service: "restant-main", app: "restant-staging" } }, /database .* "restant-main" \(input service\), not the spec's "restant-staging"/],
    ["the app a database link links", { type: MYSQL_LINK, props: { service: "restant-staging", app: "restant-main" } }, /linked app .* "restant-main" \(input app\)/],
    ["a database link without its app", { type: MYSQL_LINK, props: { service: "restant-staging" } }, /linked app of .* is missing \(input app\)/],
    ["the app its Redis links", linkOf(staging, { app: "restant-main" }), /linked app .* "restant-main" \(input app\)/],
    ["its own Redis service", linkOf(staging, { service: "restant-previews" }), /own Redis service .* "restant-previews" \(input service\), not the spec's "restant-staging"/],
    ["a Redis slot where it owns a service", { type: SLOT, props: { service: "restant-previews", holder: "staging" } }, /Redis slot .* not the spec's "\(none: staging links its own restant-staging\)"/],
    ["the database's clone source", { type: MYSQL, props: { service: "restant-staging", cloneFrom: "restant-main" } }, /database cloned from .* "restant-main"/],
    ["a certificate's domain", { type: LETSENCRYPT, props: { app: "restant-staging", domains: ["restant.main.example.com"] } }, /domain .* "restant\.main\.example\.com" \(input domains\[0\]\)/],
    ["the app http-auth closes", { type: HTTP_AUTH, props: { app: "restant-pr-7" } }, /linked app .* "restant-pr-7"/],
  ] satisfies [string, HandBuilt, RegExp][])("refuses %s under another name", async (_what, resource, message) => {
    const found = violations(await validateStack(namesFollowSpec, [tenantEnvironment(staging), resource]));
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(message);
    expect(found[0]).toMatch(/take every name from the spec \(infra\/names\.ts\)/);
  });

  it("accepts a preview's warm pool claim under the spec's names, and a link to a member or to the clone it falls back to", async () => {
    const pool = { ...preview.database.pool!, holder: "pr-7", app: "restant-pr-7" };
    const database = { type: MYSQL, props: { service: "restant-pr-7", cloneFrom: "restant-snapshot", pool } };
    for (const service of ["restant-snapshot-pool-20261128212900-a1b2", "restant-pr-7", undefined]) {
      const link = { type: MYSQL_LINK, props: { ...(service ? { service } : {}), app: "restant-pr-7" } };
      expect(violations(await validateStack(namesFollowSpec, [tenantEnvironment(preview), database, link])), String(service)).toEqual([]);
    }
  });

  it.each([
    ["claims for another preview", { holder: "pr-8" }, /warm pool claim holder .* "pr-8" \(input pool\.holder\), not the spec's "pr-7"/],
    ["claims from another registry", { registry: "restant:redis-slots" }, /warm pool registry .* "restant:redis-slots"/],
    ["claims for another app", { app: "restant-main" }, /warm pool claim's app .* "restant-main"/],
  ] as const)("refuses a preview database that %s", async (_what, change, message) => {
    const database = { type: MYSQL, props: { service: "restant-pr-7", cloneFrom: "restant-snapshot", pool: { ...preview.database.pool!, holder: "pr-7", app: "restant-pr-7", ...change } } };
    const found = violations(await validateStack(namesFollowSpec, [tenantEnvironment(preview), database]));
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(message);
  });

  it("refuses a link to a service that is neither the preview's clone nor a pool member, and a pool claim where the spec has none", async () => {
    const link = { type: MYSQL_LINK, props: { service: "restant-main", app: "restant-pr-7" } };
    expect(violations(await validateStack(namesFollowSpec, [tenantEnvironment(preview), link]))[0]).toMatch(/"restant-main" \(input service\), not the spec's "restant-pr-7 or a warm pool member/);
    const claim = { type: MYSQL, props: { service: "restant-staging", pool: { registry: "restant:mysql-pool" } } };
    expect(violations(await validateStack(namesFollowSpec, [tenantEnvironment(staging), claim]))[0]).toMatch(/warm pool .* "restant:mysql-pool" \(input pool\), not the spec's "\(none/);
  });

  it("has nothing to compare on the platform stack", async () => {
    expect(violations(await validateStack(namesFollowSpec, [tenantEnvironment(platform), { type: DNS, props: { name: "x" } }]))).toEqual([]);
  });
});
