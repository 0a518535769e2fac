import type * as pulumi from "@pulumi/pulumi";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRequire } from "node:module";
import { projectRoot, requireBuilt } from "../support/built";
import { type DokkuServer, startDokkuServer } from "../support/dokku-server";
import { resourcesOfType } from "../support/evaluate";
import { TEAM_VALUES, TEAM_ZONE } from "../support/team-values";
import { pointForgeProvidersAt } from "../doubles/forge/process-env";
import { startForgeDouble, type ForgeDouble } from "../doubles/forge/server";

// The whole path of a preview on Forge, from its stack config to what the PR comment says: a preview stack with the
// team's restant:forge and its previews' own server → infra/ (zod, the config check, spec, names) → the real program
// → every Forge resource created by its provider as Pulumi's host runs it (loaded from the resource's serialized
// `__provider`, in the order the program's dependencies make), the API ones against the Forge double, the preview's
// data over real SSH as forge against real MariaDB and Redis, each one's outputs handed to the next by Pulumi's own
// runtime → the .env the app reads → the stack outputs → the PR comment; then the policy pack over what was declared.

type Harness = typeof import("../support/serialized-provider");
type Snapshot = typeof import("../support/snapshot-data");
type MariaDb = typeof import("../doubles/dokku/services/mariadb");
type Comment = typeof import("../../scripts/lifecycle/preview-comment");
type All = typeof import("../../policies/all");
type RunPolicies = typeof import("../../scripts/plan/run-policies");
type Evaluate = typeof import("../../scripts/plan/evaluate");
type ChooseStack = typeof import("../../scripts/plan/choose-stack");
type MockState = typeof import("../../scripts/plan/mock-state");

const { loadSnapshot } = requireBuilt<Snapshot>("test/support/snapshot-data.ts");
const { testMariaDb, runSql } = requireBuilt<MariaDb>("test/doubles/dokku/services/mariadb.ts");
const { renderPreviewComment } = requireBuilt<Comment>("scripts/lifecycle/preview-comment.ts");
const { policies } = requireBuilt<All>("policies/all.ts");
const { runPolicies } = requireBuilt<RunPolicies>("scripts/plan/run-policies.ts");
const { evaluateStack } = requireBuilt<Evaluate>("scripts/plan/evaluate.ts");
const { chooseStack } = requireBuilt<ChooseStack>("scripts/plan/choose-stack.ts");
const { planMocks } = requireBuilt<MockState>("scripts/plan/mock-state.ts");
const { loadSerializedProvider } = requireBuilt<Harness>("test/support/serialized-provider.ts");

const FORGE_TYPE = "pulumi-nodejs:dynamic/forge:";
const { specialSigKey, specialSecretSig } = createRequire(`${projectRoot}/package.json`)("@pulumi/pulumi/runtime/rpc") as { specialSigKey: string; specialSecretSig: string };

/** Inputs as a provider receives them from the engine: secrets are plain values to it. */
function revealed(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(revealed);
  if (value === null || typeof value !== "object") return value;
  const object = value as Record<string, unknown>;
  if (object[specialSigKey] === specialSecretSig) return revealed(object.value);
  return Object.fromEntries(Object.entries(object).map(([key, v]) => [key, revealed(v)]));
}

const PR = 77;
const COMMIT = "0123456789abcdef0123456789abcdef01234567";
const TAKEN_AT = "2026-11-22T03:17:02Z";
/** The snapshot's service name, of this run only: on the previews' server its database is restant_snap_<pid>. */
const SNAPSHOT_SERVICE = `restant-snap-${process.pid}`;
const SNAPSHOT_DATABASE = `restant_snap_${process.pid}`;
const PREVIEW_DATABASE = `restant_pr_${PR}`;

let server: DokkuServer;
let double: ForgeDouble;
let restore: () => void;
const sql = (text: string) => {
  const mariadb = testMariaDb();
  if (!mariadb) throw new Error("run through test/services/start.sh");
  return runSql(mariadb, text);
};

beforeAll(async () => {
  server = await startDokkuServer({ forgeUser: true });
  process.env.FORGE_SSH_PRIVATE_KEY = server.privateKey;
  double = await startForgeDouble({ rateWindowMs: 3_000 });
  restore = pointForgeProvidersAt(double);
  // The masked snapshot on the previews' server, as its refresh leaves it (docs/snapshot.md): data and its time.
  await sql(`CREATE DATABASE \`${SNAPSHOT_DATABASE}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;`);
  const mariadb = testMariaDb()!;
  await loadSnapshot(mariadb, SNAPSHOT_DATABASE, 0.02);
  await sql(`USE \`${SNAPSHOT_DATABASE}\`; CREATE TABLE restant_snapshot_info (taken_at CHAR(20) NOT NULL); INSERT INTO restant_snapshot_info VALUES ('${TAKEN_AT}');`);
}, 300_000);

afterAll(async () => {
  restore?.();
  await double?.stop();
  delete process.env.FORGE_SSH_PRIVATE_KEY;
  for (const name of [SNAPSHOT_DATABASE, PREVIEW_DATABASE]) await sql(`DROP DATABASE IF EXISTS \`${name}\`;`).catch(() => undefined);
  await sql(`DROP USER IF EXISTS '${PREVIEW_DATABASE}'@'%';`).catch(() => undefined);
  await server?.stop();
});

/**
 * What the engine does with a Forge resource: the provider stored in its `__provider` input, loaded as Pulumi's host
 * loads it, checks and creates it; its outputs become the resource's. For a database Forge's API makes, Forge also
 * makes it on its server: the double keeps only its record, so the empty database is made on the test MariaDB.
 * Everything else answers as in the offline plan.
 */
function engineMocks(created: Map<string, Record<string, unknown>>): pulumi.runtime.Mocks {
  return {
    call: (args) => planMocks.call(args),
    newResource: async (args) => {
      if (!args.type.startsWith(FORGE_TYPE)) return planMocks.newResource(args);
      const { __provider: text, ...inputs } = revealed(args.inputs) as Record<string, unknown> & { __provider: string };
      const provider = loadSerializedProvider(text);
      const checked = await provider.check!({}, inputs);
      expect(checked.failures ?? [], args.type).toEqual([]);
      const result = await provider.create!(checked.inputs);
      if (args.type === `${FORGE_TYPE}Database`) await sql(`CREATE DATABASE \`${inputs.name as string}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;`);
      created.set(args.type.slice(FORGE_TYPE.length), result.outs as Record<string, unknown>);
      return { id: result.id, state: { ...inputs, ...(result.outs as Record<string, unknown>) } };
    },
  };
}

describe("a preview on Forge, from its stack config to its PR comment", () => {
  it("runs on the previews' own server with a verified copy of the snapshot and its own Redis slot, and says so", async () => {
    // The team's Pulumi.yaml: production's Forge server, and the previews' own one (here: the double's server,
    // reached over SSH at the test sshd as forge; an SSH host given as an address must be the previews' server's).
    const team = Object.fromEntries(Object.entries(TEAM_VALUES).map(([key, value]) => [key, typeof value === "string" ? value : JSON.stringify(value)]));
    const forge = {
      organization: double.organization,
      serverId: double.serverId + 1000,
      ipv4: "95.216.10.30",
      previews: { serverId: double.serverId, ipv4: server.host, ssh: { host: server.host, port: server.port, hostKey: server.hostKey }, redisPort: Number(process.env.RESTANT_TEST_REDIS_PORT) },
    };
    const chosen = chooseStack({ stack: `pr-${PR}`, branch: "feat/menu-photos" });
    const config = {
      ...chosen.config,
      ...team,
      "restant:runtime": "forge",
      "restant:forge": JSON.stringify(forge),
      "restant:database": JSON.stringify({ snapshotService: SNAPSHOT_SERVICE }),
      "restant:commit": COMMIT,
      // The team's Grafana e-mails in place of the shipped examples (test/support/team-values.ts withTeamValues).
      "restant:grafana": JSON.stringify({ ...JSON.parse(chosen.config["restant:grafana"]!), oncallEmails: ["oncall@restant.app"], notifyEmails: ["dev@restant.app"] }),
    };
    const created = new Map<string, Record<string, unknown>>();
    const upped = await evaluateStack({ ...chosen, config }, engineMocks(created), { exampleValues: "refuse" });
    if (upped.spec.kind === "platform") throw new Error("a preview evaluated as the platform");
    expect(upped.spec.hostname).toBe(`restant-pr-${PR}.${TEAM_ZONE}`);
    expect([...created.keys()].sort()).toEqual(["BackgroundProcess", "Certificate", "Database", "DatabaseClone", "DatabaseUser", "Deployment", "EnvironmentFile", "RedisSlot", "SecurityRule", "Site"]);
    // Every Forge resource is on the previews' server, none on production's.
    for (const resource of upped.resources.filter((r) => r.type.startsWith(FORGE_TYPE) && "serverId" in r.revealedInputs)) {
      expect(resource.revealedInputs.serverId, resource.type).toBe(double.serverId);
    }

    // On the previews' server: the copy holds the snapshot's data, the slot is registered to this preview.
    const copy = created.get("DatabaseClone")!;
    expect(copy).toMatchObject({ database: PREVIEW_DATABASE, snapshot: SNAPSHOT_DATABASE, source: "copy", snapshotTakenAt: TAKEN_AT });
    expect(await sql(`SELECT COUNT(*) FROM \`${PREVIEW_DATABASE}\`.users;`)).toBe(await sql(`SELECT COUNT(*) FROM \`${SNAPSHOT_DATABASE}\`.users;`));
    const slot = created.get("RedisSlot")!.slot as number;
    expect(slot).toBeGreaterThanOrEqual(1);

    // The .env the app reads, as Forge holds it: its copy of the data and its own slot on the server's Redis.
    const onForge = double.state.siteNamed(upped.spec.hostname)!;
    const dotenv = Object.fromEntries(onForge.environment.trim().split("\n").map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 2, -1)]));
    expect(dotenv).toMatchObject({
      DB_DATABASE: PREVIEW_DATABASE,
      DB_HOST: "127.0.0.1",
      REDIS_HOST: "127.0.0.1",
      REDIS_PORT: process.env.RESTANT_TEST_REDIS_PORT,
      REDIS_DB: String(slot),
      REDIS_CACHE_DB: String(slot),
      REDIS_PREFIX: `restant:pr-${PR}:`,
      APP_URL: `https://restant-pr-${PR}.${TEAM_ZONE}`,
    });
    expect(onForge.deployScript).toContain(`git checkout --force --detach ${COMMIT}`);

    // What the stack exports, and the PR comment the lifecycle renders from it, as on Dokku.
    expect(upped.outputs.databaseSource?.value).toBe("copy");
    expect(upped.outputs.snapshotTakenAt?.value).toBe(TAKEN_AT);
    const comment = renderPreviewComment(
      { pr: PR, state: "ready", databaseSource: "copy", snapshotTakenAt: upped.outputs.snapshotTakenAt!.value as string },
      new Date("2026-11-29T03:17:02Z"),
    );
    expect(comment).toContain("| Database | copied from the masked snapshot on the previews' Forge server and verified (Forge keeps no warm pool) |");
    expect(comment).toContain(`| Database snapshot | 7 days old (taken ${TAKEN_AT}) |`);

    // The policy pack over what was declared: nothing on production's server, every name the preview's own.
    const violations = await runPolicies(upped.resources, policies);
    expect(violations.filter((v) => v.enforcementLevel === "mandatory")).toEqual([]);
    expect(resourcesOfType(upped, `${FORGE_TYPE}SecurityRule`)).toHaveLength(1);
  }, 180_000);
});
