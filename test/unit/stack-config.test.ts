import { describe, expect, it } from "vitest";
import { StackConfigError } from "../../infra/config/problems";
import { loadStackSpec } from "../../infra/spec";
import { previewStack } from "../../infra/stacks";
import { stackConfig } from "../../scripts/plan/stack-files";

type Raw = Record<string, string>;
const json = (value: unknown) => JSON.stringify(value);
const dokku = (patch: Record<string, unknown>) => json({ ...JSON.parse(stackConfig("staging")["restant:dokku"]!), ...patch });

function problemsOf(stack: string, raw: Raw): string[] {
  try {
    loadStackSpec(raw, { stack, origin: `stacks/Pulumi.${stack}.yaml` });
  } catch (error) {
    expect(error).toBeInstanceOf(StackConfigError);
    expect((error as Error).message).toContain(`stacks/Pulumi.${stack}.yaml`);
    return (error as StackConfigError).problems.map((p) => `${p.key}: ${p.message}`);
  }
  return [];
}

const staging = (patch: Raw): [string, Raw] => ["staging", { ...stackConfig("staging"), ...patch }];
const preview = (patch: Raw): [string, Raw] => ["pr-7", { ...stackConfig("pr-7", previewStack(7, "feat/x").config), ...patch }];
const production = (patch: Raw): [string, Raw] => ["production", { ...stackConfig("production"), ...patch }];

/** Forge settings with the previews' own server (shapes only: these stacks are parsed, never deployed). */
const FORGE = {
  organization: "acme",
  serverId: 5,
  ipv4: "203.0.113.5",
  previews: { serverId: 6, ipv4: "203.0.113.6", ssh: { host: "previews.example.org", hostKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIExampleExampleExampleExampleExampleExample0" } },
};

/** [what is wrong, stack and config, the key the message must name, a phrase of the fix]. */
const BAD: [string, [string, Raw], string, RegExp][] = [
  ["unknown key (typo)", staging({ "restant:zonee": "example.org" }), "restant:zonee", /not a setting.*spelling/],
  ["unknown kind", staging({ "restant:kind": "prod" }), "restant:kind", /one of platform, production, staging, branch, preview/],
  ["missing kind", ["staging", Object.fromEntries(Object.entries(stackConfig("staging")).filter(([k]) => k !== "restant:kind"))], "restant:kind", /required/],
  ["zone not a DNS name", staging({ "restant:zone": "Example_Com" }), "restant:zone", /DNS name/],
  ["zone id not hex", staging({ "restant:zoneId": "xyz" }), "restant:zoneId", /32 lower-case hex/],
  ["template without slug", staging({ "restant:hostnameTemplate": "restant.{zone}" }), "restant:hostnameTemplate", /\{slug\}/],
  ["template outside the zone", staging({ "restant:hostnameTemplate": "{slug}.other.net" }), "restant:hostnameTemplate", /\.\{zone\}/],
  ["unknown runtime", staging({ "restant:runtime": "heroku" }), "restant:runtime", /"dokku" or "forge"/],
  // Caught when the stack is planned, not by letsencrypt:enable failing on the server half-way through an up.
  ["no Let's Encrypt e-mail", staging({ "restant:tls": json({ previews: "per-host" }) }), "restant:tls.email", /required: Let's Encrypt registers its account.*Pulumi\.yaml's config \(restant:tls: \{ value: \{ email:/],
  ["no Let's Encrypt e-mail for a per-host preview", preview({ "restant:tls": json({}) }), "restant:tls.email", /required/],
  ["forge without its settings", staging({ "restant:runtime": "forge" }), "restant:forge", /required when restant:runtime is forge/],
  ["forge settings with a bad PHP version", staging({ "restant:runtime": "forge", "restant:forge": json({ organization: "acme", serverId: 5, ipv4: "203.0.113.5", phpVersion: "8.4" }) }), "restant:forge.phpVersion", /"php84"/],
  ["forge settings with a web directory not starting with /", staging({ "restant:runtime": "forge", "restant:forge": json({ organization: "acme", serverId: 5, ipv4: "203.0.113.5", webDirectory: "public" }) }), "restant:forge.webDirectory", /starting with "\/"/],
  ["a preview on forge without the previews' own server", preview({ "restant:runtime": "forge", "restant:forge": json({ organization: "acme", serverId: 5, ipv4: "203.0.113.5" }) }), "restant:forge.previews", /required for a preview on Forge.*production's server its Redis and MySQL answer every site on 127\.0\.0\.1 without a password/],
  ["a branch on forge without the previews' own server", ["feature-x", { ...stackConfig("feature-x"), "restant:kind": "branch", "restant:branch": "feature-x", "restant:runtime": "forge", "restant:forge": json({ organization: "acme", serverId: 5, ipv4: "203.0.113.5" }) }], "restant:forge.previews", /required for a branch on Forge/],
  ["previews on production's forge server", preview({ "restant:runtime": "forge", "restant:forge": json({ ...FORGE, previews: { ...FORGE.previews, serverId: 5 } }) }), "restant:forge.previews.serverId", /is 5, the server production and staging run on \(restant:forge\.serverId\).*a Forge server that production and staging do not run on/],
  ["production sees its server given to previews", production({ "restant:runtime": "forge", "restant:forge": json({ ...FORGE, previews: { ...FORGE.previews, serverId: 5 } }) }), "restant:forge.previews.serverId", /the server production and staging run on/],
  ["previews at production's forge address", preview({ "restant:runtime": "forge", "restant:forge": json({ ...FORGE, previews: { ...FORGE.previews, ipv4: "203.0.113.5" } }) }), "restant:forge.previews.ipv4", /the address of the server production and staging run on/],
  ["previews' SSH host at production's forge address", preview({ "restant:runtime": "forge", "restant:forge": json({ ...FORGE, previews: { ...FORGE.previews, ssh: { ...FORGE.previews.ssh, host: "203.0.113.5" } } }) }), "restant:forge.previews.ssh.host", /is 203\.0\.113\.5, the address of the server production and staging run on \(restant:forge\.ipv4\).*FLUSHDB.*set it to the previews' server \(restant:forge\.previews\.ipv4, 203\.0\.113\.6\)/],
  ["production sees its address given to the previews' SSH host", production({ "restant:runtime": "forge", "restant:forge": json({ ...FORGE, previews: { ...FORGE.previews, ssh: { ...FORGE.previews.ssh, host: "203.0.113.5" } } }) }), "restant:forge.previews.ssh.host", /the address of the server production and staging run on/],
  ["previews' SSH host an address other than the previews' server's", preview({ "restant:runtime": "forge", "restant:forge": json({ ...FORGE, previews: { ...FORGE.previews, ssh: { ...FORGE.previews.ssh, host: "203.0.113.9" } } }) }), "restant:forge.previews.ssh.host", /is the IP address 203\.0\.113\.9, not the previews' server's \(restant:forge\.previews\.ipv4: 203\.0\.113\.6\).*set it to 203\.0\.113\.6 or to the previews' server's DNS name/],
  ["forge Redis port not a port", production({ "restant:runtime": "forge", "restant:forge": json({ ...FORGE, redisPort: 70000 }) }), "restant:forge.redisPort", /at most 65535 \(the port of the server's own Redis on 127\.0\.0\.1\)/],
  ["previews' forge server without its SSH host key", preview({ "restant:runtime": "forge", "restant:forge": json({ ...FORGE, previews: { ...FORGE.previews, ssh: { host: "previews.example.org" } } }) }), "restant:forge.previews.ssh.hostKey", /required/],
  ["forge settings with a server id that is not a number", staging({ "restant:runtime": "forge", "restant:forge": json({ organization: "acme", serverId: "web-1", ipv4: "203.0.113.5" }) }), "restant:forge.serverId", /the Forge server id/],
  ["sentry sample rate above 1", staging({ "restant:sentry": json({ organization: "o", project: "p", tracesSampleRate: 2 }) }), "restant:sentry.tracesSampleRate", /from 0 to 1/],
  ["grafana without probes", staging({ "restant:grafana": json({ folderUid: "f", datasourceUid: "d", probes: [] }) }), "restant:grafana.probes", /at least one/],
  ["5xx query without {app}", staging({ "restant:grafana": json({ folderUid: "f", datasourceUid: "d", probes: [1], errorRateQuery: "up" }) }), "restant:grafana.errorRateQuery", /\{app\}/],
  ["flagsmith URL not http", staging({ "restant:flagsmith": json({ project: 1, apiUrl: "ftp://x" }) }), "restant:flagsmith.apiUrl", /Flagsmith API URL/],
  ["dokku port out of range", staging({ "restant:dokku": dokku({ port: 70000 }) }), "restant:dokku.port", /at most 65535/],
  ["dokku user unknown", staging({ "restant:dokku": dokku({ user: "admin" }) }), "restant:dokku.user", /"dokku".*"root"/],
  ["host key with a host name", staging({ "restant:dokku": dokku({ hostKey: "dokku.example.com ssh-ed25519 AAAA" }) }), "restant:dokku.hostKey", /ssh-keyscan/],
  ["dokku address not IPv4", staging({ "restant:dokku": dokku({ ipv4: "10.0.0" }) }), "restant:dokku.ipv4", /IPv4/],
  ["dokku IPv6 not an address", staging({ "restant:dokku": dokku({ ipv6: "nope" }) }), "restant:dokku.ipv6", /IPv6/],
  ["dokku settings not JSON", staging({ "restant:dokku": "{host:" }), "restant:dokku", /must be an object \{ host, port/],
  ["dns ttl out of range", staging({ "restant:dns": json({ ttl: 30 }) }), "restant:dns.ttl", /at least 60/],
  ["proxied more than one level deep", staging({ "restant:dns": json({ proxied: true }) }), "restant:dns.proxied", /Universal SSL covers only one level/],
  ["proxied flag not a boolean", staging({ "restant:dns": json({ proxied: "yes" }) }), "restant:dns.proxied", /true or false/],
  ["pr is not a number", preview({ "restant:pr": "seven" }), "restant:pr", /whole number.*got "seven"/],
  ["pr is negative", preview({ "restant:pr": "-3" }), "restant:pr", /at least 1/],
  ["pr on a non-preview stack", staging({ "restant:pr": "7" }), "restant:pr", /only for preview stacks/],
  ["preview without a pr", ["pr-7", { ...stackConfig("pr-7"), "restant:kind": "preview", "restant:branch": "x" }], "restant:pr", /required for a preview/],
  ["preview without a branch", ["pr-7", { ...stackConfig("pr-7"), "restant:kind": "preview", "restant:pr": "7" }], "restant:branch", /required for a preview/],
  ["preview stack name and pr disagree", preview({ "restant:pr": "8" }), "restant:kind", /must be named "pr-8"/],
  ["staging file claims production", staging({ "restant:kind": "production" }), "restant:kind", /must be named "production"/],
  ["branch stack for main", ["main", { ...stackConfig("main"), "restant:kind": "branch", "restant:branch": "main" }], "restant:branch", /production stack/],
  ["debug in production", production({ "restant:app": json({ debug: true }) }), "restant:app.debug", /false in production/],
  ["no web process in production", production({ "restant:app": json({ scale: { web: 0, worker: 1 } }) }), "restant:app.scale.web", /at least 1/],
  ["scale not whole", staging({ "restant:app": json({ scale: { web: 1.5, worker: 0 } }) }), "restant:app.scale.web", /whole number/],
  ["preview limit too high", staging({ "restant:previewLimit": "40" }), "restant:previewLimit", /at most 15/],
  ["hostname label too long", ["main", { ...stackConfig("production"), "restant:kind": "production", "restant:hostnameTemplate": `${"x".repeat(60)}-{slug}.{zone}` }], "restant:hostnameTemplate", /not a valid hostname/],
  ["empty branch", ["staging", { ...stackConfig("staging"), "restant:branch": "" }], "restant:branch", /must not be empty/],
  ["branch that is an option", ["staging", { ...stackConfig("staging"), "restant:branch": "--help" }], "restant:branch", /must not begin with '-'/],
  ["branch holding a range", ["staging", { ...stackConfig("staging"), "restant:branch": "a..b" }], "restant:branch", /must not contain '\.\.'/],
  ["branch that is a full ref", preview({ "restant:branch": "refs/pull/8/head" }), "restant:branch", /not a full ref/],
  ["branch git refuses", ["staging", { ...stackConfig("staging"), "restant:branch": "feat/x.lock" }], "restant:branch", /check-ref-format/],
  ["cron macro", staging({ "restant:database": json({ refreshSchedule: "@hourly root touch /tmp/x #" }) }), "restant:database.refreshSchedule", /@-macro/],
  ["cron comment", staging({ "restant:database": json({ refreshSchedule: "17 3 * * 0 #" }) }), "restant:database.refreshSchedule", /'#'/],
  ["cron sixth field", staging({ "restant:database": json({ refreshSchedule: "17 3 * * 0 root" }) }), "restant:database.refreshSchedule", /exactly 5 fields/],
  ["cron newline", staging({ "restant:database": json({ refreshSchedule: "17 3 * * 0\n* * * * * root id" }) }), "restant:database.refreshSchedule", /one line/],
  ["pool size out of range", staging({ "restant:database": json({ poolSize: 21 }) }), "restant:database.poolSize", /at most 20 \(preview databases the warm pool keeps/],
  ["pool member names too long", staging({ "restant:database": json({ snapshotService: "s".repeat(39) }) }), "restant:database.snapshotService", /at most 38 characters while poolSize is above 0/],
  ["cron minute out of range", staging({ "restant:database": json({ refreshSchedule: "61 3 * * 0" }) }), "restant:database.refreshSchedule", /minute field "61": 61 is outside 0-59/],
  ["cron Quartz extension", staging({ "restant:database": json({ refreshSchedule: "0 0 L * ?" }) }), "restant:database.refreshSchedule", /day-of-month field "L"/],
  ["adopt on a preview", preview({ "restant:adopt": "true" }), "restant:adopt", /only for production and staging.*remove restant:adopt/],
  ["adopt not a boolean", production({ "restant:adopt": "yes" }), "restant:adopt", /must be true or false/],
  ["database service of another environment", production({ "restant:databaseService": "restant-staging" }), "restant:databaseService", /neither restant-main nor a backup of it restored by npm run restore/],
  ["database service restored from another environment", production({ "restant:databaseService": "restant-staging-r20261128t220000z" }), "restant:databaseService", /neither restant-main nor/],
  ["database service not a service name", staging({ "restant:databaseService": "restant staging" }), "restant:databaseService", /must be a dokku-mysql service name/],
  ["database service on a preview", preview({ "restant:databaseService": "restant-pr-7-r20261128t220000z" }), "restant:databaseService", /only for production and staging.*remove it/],
];

describe("restant:databaseService (set by npm run restore --yes)", () => {
  it("links the restored service and keeps the environment's own one, unlinked; backups follow the service in use", () => {
    const [stack, raw] = production({ "restant:databaseService": "restant-main-r20261128t220000z" });
    const spec = loadStackSpec(raw, { stack, origin: "test" });
    if (spec.kind === "platform") throw new Error("production planned as platform");
    expect(spec.database).toMatchObject({ name: "restant-main-r20261128t220000z", kept: "restant-main", retain: true });
    expect(spec.backup?.service).toBe("restant-main-r20261128t220000z");
  });

  it("naming the environment's own service changes nothing", () => {
    const [stack, raw] = staging({ "restant:databaseService": "restant-staging" });
    const spec = loadStackSpec(raw, { stack, origin: "test" });
    if (spec.kind === "platform") throw new Error("staging planned as platform");
    expect(spec.database.name).toBe("restant-staging");
    expect(spec.database.kept).toBeUndefined();
  });
});

describe("bad stack config", () => {
  it.each(BAD)("%s: fails naming the key, the file and the fix", (_what, [stack, raw], key, fix) => {
    const problems = problemsOf(stack, raw);
    const mine = problems.filter((p) => p.startsWith(`${key}: `));
    expect(problems, problems.join("\n")).not.toHaveLength(0);
    expect(mine, problems.join("\n")).not.toHaveLength(0);
    expect(mine.join("\n")).toMatch(fix);
  });

  it("lists every problem at once, one message each", () => {
    const problems = problemsOf("staging", {
      ...stackConfig("staging"),
      "restant:zoneId": "x",
      "restant:runtime": "heroku",
      "restant:typo": "1",
    });
    expect(problems.map((p) => p.split(":")[0] + ":" + p.split(":")[1])).toEqual([
      "restant:zoneId",
      "restant:runtime",
      "restant:typo",
    ]);
  });

  it("accepts every shipped stack and synthesized previews and branches", () => {
    for (const stack of ["production", "staging", "platform"]) expect(problemsOf(stack, stackConfig(stack))).toEqual([]);
    expect(problemsOf("pr-7", stackConfig("pr-7", previewStack(7, "feat/Ünïcode;$(rm${IFS}-rf${IFS}/)").config))).toEqual([]);
  });

  it("leaves other namespaces to their providers", () => {
    expect(problemsOf("staging", { ...stackConfig("staging"), "cloudflare:apiToken": "x" })).toEqual([]);
  });
});

describe("branches and previews on Forge", () => {
  it("run on the previews' own server, reached over SSH as forge, with production's server kept as the one they must not use", () => {
    const [stack, raw] = preview({ "restant:runtime": "forge", "restant:forge": json(FORGE) });
    const spec = loadStackSpec(raw, { stack, origin: "synthesized" });
    if (spec.kind === "platform" || spec.runtime.kind !== "forge") throw new Error("expected a Forge preview");
    expect(spec.runtime.forge).toMatchObject({ organization: "acme", serverId: 6, ipv4: "203.0.113.6", redisPort: 6379 });
    expect(spec.runtime.previewData).toEqual({
      ssh: { host: "previews.example.org", port: 22, user: "forge", hostKey: FORGE.previews.ssh.hostKey },
      guardedServerId: 5,
      guardedAddresses: ["203.0.113.5"],
      snapshotDatabase: "restant_snapshot",
    });
    expect(spec.dns.ipv4).toBe("203.0.113.6");
    expect(spec.redis).toMatchObject({ mode: "slot", registry: "restant:redis-slots" });
    expect(spec.database).toMatchObject({ name: "restant_pr_7", user: "restant_pr_7", cloneFrom: "restant-snapshot" });
    expect(spec.database.pool).toBeUndefined();
  });

  it("run in the previews' own Forge organization when it is given, so their token never reaches production's", () => {
    const [stack, raw] = preview({ "restant:runtime": "forge", "restant:forge": json({ ...FORGE, previews: { ...FORGE.previews, organization: "acme-previews" } }) });
    const spec = loadStackSpec(raw, { stack, origin: "synthesized" });
    if (spec.kind === "platform" || spec.runtime.kind !== "forge") throw new Error("expected a Forge preview");
    expect(spec.runtime.forge).toMatchObject({ organization: "acme-previews", serverId: 6 });
  });

  it("keep every address of production's server as one their SSH host must not be, and may reach theirs by its address", () => {
    const forge = { ...FORGE, ipv6: "2001:DB8::5", previews: { ...FORGE.previews, ssh: { ...FORGE.previews.ssh, host: "203.0.113.6" } } };
    const [stack, raw] = preview({ "restant:runtime": "forge", "restant:forge": json(forge) });
    expect(problemsOf(stack, raw)).toEqual([]);
    const spec = loadStackSpec(raw, { stack, origin: "synthesized" });
    if (spec.kind === "platform" || spec.runtime.kind !== "forge") throw new Error("expected a Forge preview");
    expect(spec.runtime.previewData).toMatchObject({ ssh: { host: "203.0.113.6" }, guardedAddresses: ["203.0.113.5", "2001:DB8::5"] });
  });

  it("leave production and staging on their own server", () => {
    const [stack, raw] = production({ "restant:runtime": "forge", "restant:forge": json(FORGE) });
    const spec = loadStackSpec(raw, { stack, origin: "stacks/Pulumi.production.yaml" });
    if (spec.kind === "platform" || spec.runtime.kind !== "forge") throw new Error("expected Forge production");
    expect(spec.runtime.forge).toMatchObject({ serverId: 5, redisPort: 6379 });
    expect(spec.runtime.previewData).toBeUndefined();
    const [, moved] = production({ "restant:runtime": "forge", "restant:forge": json({ ...FORGE, redisPort: 6380 }) });
    const onAnotherPort = loadStackSpec(moved, { stack, origin: "stacks/Pulumi.production.yaml" });
    if (onAnotherPort.kind === "platform" || onAnotherPort.runtime.kind !== "forge") throw new Error("expected Forge production");
    expect(onAnotherPort.runtime.forge.redisPort).toBe(6380);
    expect(spec.redis.mode).toBe("own");
  });
});
