import { describe, expect, it } from "vitest";
import { type EnvironmentSpec, loadStackSpec } from "../../infra/spec";
import { previewStack } from "../../infra/stacks";
import { namesFollowSpec } from "../../policies/rules/names-follow-spec";
import { previewsIsolated } from "../../policies/rules/previews-isolated";
import { productionDataProtected } from "../../policies/rules/production-data-protected";
import { FORGE_DATABASE, FORGE_DATABASE_CLONE, FORGE_REDIS_SLOT, FORGE_SITE } from "../../policies/resource-types";
import { stackConfig } from "../../scripts/plan/stack-files";
import { type HandBuilt, type Outcome, tenantEnvironment, validateStack } from "../support/policy-harness";

// Branches and previews on Forge run on the previews' own server: the policies refuse one on production's server,
// and judge the snapshot copy and the Redis slot by the spec's names like every other resource.

const PRODUCTION_SERVER = 5;
const PREVIEWS_SERVER = 6;
const FORGE = {
  organization: "acme",
  serverId: PRODUCTION_SERVER,
  ipv4: "203.0.113.5",
  previews: { serverId: PREVIEWS_SERVER, ipv4: "203.0.113.6", ssh: { host: "previews.example.org", hostKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIExampleExampleExampleExampleExampleExample0" } },
};
const forgeConfig = { "restant:runtime": "forge", "restant:forge": JSON.stringify(FORGE) };
const preview = loadStackSpec({ ...stackConfig("pr-7", previewStack(7, "feat/x").config), ...forgeConfig }, { stack: "pr-7", origin: "synthesized" }) as EnvironmentSpec;
const production = (forge: unknown) =>
  loadStackSpec({ ...stackConfig("production"), "restant:runtime": "forge", "restant:forge": JSON.stringify(forge) }, { stack: "production", origin: "x" }) as EnvironmentSpec;

function violations(outcome: Outcome): string[] {
  if ("notApplicable" in outcome) throw new Error(`expected a validation, got not applicable: ${outcome.notApplicable}`);
  return outcome.violations;
}

/** What ForgeRuntime declares for the preview's data, every name from the spec. */
function previewResources(spec: EnvironmentSpec, patch: { serverId?: number; database?: string; holder?: string; target?: unknown } = {}): HandBuilt[] {
  if (spec.runtime.kind !== "forge" || spec.redis.mode !== "slot") throw new Error("a Forge preview");
  const serverId = patch.serverId ?? spec.runtime.forge.serverId;
  const { organization } = spec.runtime.forge;
  const target = "target" in patch ? patch.target : spec.runtime.previewData!.ssh;
  return [
    { type: FORGE_SITE, name: "restant-runtime-site", props: { organization, serverId, domain: spec.hostname, isolatedUser: spec.names.siteUser } },
    { type: FORGE_DATABASE, name: "restant-runtime-database", props: { organization, serverId, name: patch.database ?? spec.database.name } },
    {
      type: FORGE_DATABASE_CLONE,
      name: "restant-runtime-database-clone",
      props: { target, database: patch.database ?? spec.database.name, snapshot: spec.runtime.previewData!.snapshotDatabase },
    },
    {
      type: FORGE_REDIS_SLOT,
      name: "restant-runtime-redis-slot",
      props: { target, holder: patch.holder ?? spec.names.slug, registry: spec.redis.registry, range: spec.redis.range, redisPort: 6379 },
    },
  ];
}

describe("a preview on Forge", () => {
  it("passes on the previews' own server with the spec's names", async () => {
    const resources = [tenantEnvironment(preview), ...previewResources(preview)];
    expect(violations(await validateStack(previewsIsolated, resources))).toEqual([]);
    expect(violations(await validateStack(namesFollowSpec, resources))).toEqual([]);
  });

  it("is refused on production's server: the spec's server and every resource that names it", async () => {
    if (preview.runtime.kind !== "forge") throw new Error("a Forge preview");
    const onProduction: EnvironmentSpec = { ...preview, runtime: { ...preview.runtime, forge: { ...preview.runtime.forge, serverId: PRODUCTION_SERVER } } };
    const found = violations(await validateStack(previewsIsolated, [tenantEnvironment(onProduction), ...previewResources(onProduction)]));
    expect(found).toEqual([
      expect.stringMatching(/preview stack pr-7 runs on Forge server 5, production's and staging's: set restant:forge.previews/),
      expect.stringMatching(/Site "restant-runtime-site" is on Forge server 5, production's and staging's \(serverId\)/),
      expect.stringMatching(/Database "restant-runtime-database" is on Forge server 5/),
    ]);
    const withoutServer: EnvironmentSpec = { ...preview, runtime: { kind: "forge", forge: preview.runtime.forge } };
    expect(violations(await validateStack(previewsIsolated, [tenantEnvironment(withoutServer)]))).toEqual([
      expect.stringMatching(/runs on Forge without the previews' own server in its spec/),
    ]);
  });

  it("is refused reaching its data over SSH at production's server's address: the spec, and every slot and copy", async () => {
    if (preview.runtime.kind !== "forge") throw new Error("a Forge preview");
    const data = preview.runtime.previewData!;
    // Production's IPv6 in another spelling is still production's.
    const guarded: EnvironmentSpec = { ...preview, runtime: { ...preview.runtime, previewData: { ...data, guardedAddresses: ["203.0.113.5", "2001:db8::5"] } } };
    const atProduction = { ...data.ssh, host: "203.0.113.5" };
    const onProduction: EnvironmentSpec = { ...guarded, runtime: { ...preview.runtime, previewData: { ...data, guardedAddresses: ["203.0.113.5", "2001:db8::5"], ssh: atProduction } } };
    expect(violations(await validateStack(previewsIsolated, [tenantEnvironment(onProduction), ...previewResources(onProduction)]))).toEqual([
      expect.stringMatching(/preview stack pr-7 reaches its data over SSH at 203\.0\.113\.5, an address of production's and staging's Forge server \(restant:forge\.ipv4\/ipv6\): set restant:forge\.previews\.ssh\.host/),
      expect.stringMatching(/DatabaseClone "restant-runtime-database-clone" runs over SSH at 203\.0\.113\.5, an address of production's and staging's Forge server \(target\.host\)/),
      expect.stringMatching(/RedisSlot "restant-runtime-redis-slot" runs over SSH at 203\.0\.113\.5, an address of production's and staging's Forge server \(target\.host\)/),
    ]);
    // A resource whose target differs from the spec's is judged on its own.
    const slotAtV6 = previewResources(guarded, { target: { ...data.ssh, host: "2001:DB8:0::5" } });
    expect(violations(await validateStack(previewsIsolated, [tenantEnvironment(guarded), ...slotAtV6]))).toEqual([
      expect.stringMatching(/DatabaseClone .* runs over SSH at 2001:DB8:0::5, an address of production's/),
      expect.stringMatching(/RedisSlot .* runs over SSH at 2001:DB8:0::5, an address of production's/),
    ]);
    // Without a target host it cannot be proven elsewhere: refused, not passed.
    expect(violations(await validateStack(previewsIsolated, [tenantEnvironment(guarded), ...previewResources(guarded, { target: undefined })]))).toEqual([
      expect.stringMatching(/DatabaseClone .* has no target\.host known during preview, so it cannot be proven not to run on production's and staging's Forge server/),
      expect.stringMatching(/RedisSlot .* has no target\.host known during preview/),
    ]);
    const { guardedAddresses: _dropped, ...withoutAddresses } = data;
    const unguarded = { ...preview, runtime: { ...preview.runtime, previewData: withoutAddresses } } as unknown as EnvironmentSpec;
    expect(violations(await validateStack(previewsIsolated, [tenantEnvironment(unguarded), ...previewResources(unguarded)]))).toEqual([
      expect.stringMatching(/runs on Forge without production's server's addresses in its spec \(runtime\.previewData\.guardedAddresses\)/),
    ]);
  });

  it("is refused copying into production's database or holding production's Redis slot", async () => {
    const resources = [tenantEnvironment(preview), ...previewResources(preview, { database: "restant_main", holder: "main" })];
    const isolated = violations(await validateStack(previewsIsolated, resources));
    expect(isolated).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/DatabaseClone "restant-runtime-database-clone" uses production's mysqlDatabase\/mysqlUser "restant_main" at database/),
        expect.stringMatching(/RedisSlot "restant-runtime-redis-slot" uses production's Redis slot \(held by "main"\) at holder/),
      ]),
    );
    const names = violations(await validateStack(namesFollowSpec, resources));
    expect(names).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/database of pulumi-nodejs:dynamic\/forge:DatabaseClone .* is "restant_main" \(input database\), not the spec's "restant_pr_7"/),
        expect.stringMatching(/Redis slot holder of pulumi-nodejs:dynamic\/forge:RedisSlot .* is "main"/),
      ]),
    );
  });
});

describe("production on Forge", () => {
  it("is refused when restant:forge.previews gives its server to branches and previews", async () => {
    // The config check refuses this first (stack-config.test.ts); the policy holds whatever produced the spec.
    const own = production(FORGE);
    if (own.runtime.kind !== "forge") throw new Error("Forge production");
    const shared: EnvironmentSpec = { ...own, runtime: { ...own.runtime, forge: { ...own.runtime.forge, previews: { ...FORGE.previews, ssh: { ...FORGE.previews.ssh, port: 22 }, redisPort: 6379, serverId: PRODUCTION_SERVER } } } };
    expect(violations(await validateStack(productionDataProtected, [tenantEnvironment(shared)]))).toEqual([
      expect.stringMatching(/production runs on Forge server 5, which restant:forge.previews also gives branches and previews/),
    ]);
    expect(violations(await validateStack(productionDataProtected, [tenantEnvironment(production(FORGE))]))).toEqual([]);
  });
});
