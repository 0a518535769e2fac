import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type * as RestoreScript from "../../scripts/restore/restore-script";
import { parse } from "yaml";
import { DOKKU_MYSQL_SERVICE } from "../../policies/resource-types";
import { requireBuilt } from "../support/built";
import { copyProject, type ProjectCopy } from "../support/project-copy";
import { type DokkuServer, startDokkuServer } from "../support/dokku-server";
import { plan, resourcesOfType } from "../support/evaluate";
import { runAsRoot } from "../support/root-shell";

/**
 * `npm run restore` on the Dokku double with real MariaDB: production's verified backup (made by the program's own
 * backup script), then a bad change to the live data, then the restore script the command runs as root. It restores
 * into a new service and verifies it before anything else; only with --yes does the app's link move, and the live
 * database is never dropped or written.
 */
type MariaDb = typeof import("../doubles/dokku/services/mariadb");
type Store = typeof import("../doubles/dokku/state/store");
const { testMariaDb, runSql } = requireBuilt<MariaDb>("test/doubles/dokku/services/mariadb.ts");
const { StateStore } = requireBuilt<Store>("test/doubles/dokku/state/store.ts");
const { loadSerializedProvider } = requireBuilt<typeof import("../support/serialized-provider")>("test/support/serialized-provider.ts");
const { up } = requireBuilt<typeof import("../support/provider-steps")>("test/support/provider-steps.ts");
const { restoreScript, restoredServiceName } = requireBuilt<typeof RestoreScript>("scripts/restore/restore-script.ts");

const APP = "restant-main";
let server: DokkuServer;
let root: string;
let directory: string;
let id: string;
let project: ProjectCopy;
let dokku: Record<string, unknown>;

const mariadb = () => testMariaDb() ?? (() => { throw new Error("run through test/services/start.sh"); })();
const operator = async (...args: string[]) => {
  const result = await server.operator(args);
  if (result.code !== 0) throw new Error(`dokku ${args.join(" ")} exited ${result.code}: ${result.stderr}`);
  return result.stdout;
};
const databaseOf = (service: string) => new StateStore(server.stateDir).read().mysql[service]?.database;
const count = async (service: string) => (await runSql(mariadb(), `SELECT COUNT(*) FROM \`${databaseOf(service)}\`.tenants`)).trim();
const appConfig = async () => JSON.parse(await operator("config:export", "--format", "json", APP)) as Record<string, string>;
const ran = (name: string) => server.commands().filter((c) => c.argv[0] === name);
const restore = (options: { id: string; swap: boolean }) => runAsRoot(server, restoreScript({ app: APP, live: APP, directory, ...options }));

beforeAll(async () => {
  server = await startDokkuServer();
  root = mkdtempSync(path.join(os.tmpdir(), "restant-restore-"));
  await operator("apps:create", APP);
  await operator("mysql:create", APP);
  await operator("mysql:link", APP, APP, "--no-restart");
  await runSql(
    mariadb(),
    `USE \`${databaseOf(APP)}\`; CREATE TABLE tenants (id INT PRIMARY KEY, name VARCHAR(64)); CREATE TABLE orders (id INT PRIMARY KEY, tenant INT);` +
      "INSERT INTO tenants SELECT seq, CONCAT('tenant ', seq) FROM seq_1_to_300; INSERT INTO orders SELECT seq, seq % 300 FROM seq_1_to_900;",
  );
  // Production's own backup before a deploy, as the program generates it.
  dokku = { host: server.host, port: server.port, user: "dokku", hostKey: server.hostKey, ipv4: "203.0.113.10" };
  const production = await plan(
    { stack: "production" },
    { "restant:commit": "89abcdef0123456789abcdef0123456789abcdef", "restant:dokku": JSON.stringify(dokku), "restant:backup": JSON.stringify({ keep: 3, directory: root }) },
  );
  const backup = resourcesOfType(production, "command:remote:Command").find((c) => c.name === "restant-runtime-backup")!;
  const done = await runAsRoot(server, String(backup.revealedInputs.stdin));
  expect(done.code, done.stderr).toBe(0);
  id = (JSON.parse(done.stdout.trim().split("\n").pop()!) as { id: string }).id;
  directory = path.join(root, APP);
  // A checkout of the project whose production stack file points at this server, as a team's would.
  project = copyProject();
  project.editYaml("stacks/Pulumi.production.yaml", (doc) => {
    Object.assign(doc.config!, { "restant:dokku": dokku, "restant:backup": { keep: 3, directory: root } });
  });
  // The bad migration the restore is for.
  await runSql(mariadb(), `DELETE FROM \`${databaseOf(APP)}\`.tenants WHERE id > 100`);
}, 300_000);

afterAll(async () => {
  delete process.env.DOKKU_SSH_PRIVATE_KEY;
  await server?.stop();
  if (project) rmSync(project.dir, { recursive: true, force: true });
  if (root) rmSync(root, { recursive: true, force: true });
});

describe("npm run restore", () => {
  it("generates scripts that pass shellcheck, with and without the swap", () => {
    for (const swap of [false, true]) {
      const file = path.join(root, `restore-${swap}.sh`);
      writeFileSync(file, restoreScript({ app: APP, live: APP, directory: "/var/backups/restant/restant-main", id: "20261128T220000Z", swap }));
      expect(() => execFileSync("shellcheck", ["--shell=sh", "--severity=style", file], { stdio: "pipe" })).not.toThrow();
    }
  });

  it("restores into a new service and verifies it; without --yes nothing else moves", async () => {
    const liveUrl = (await appConfig()).DATABASE_URL;
    server.resetCounters();
    const result = await restore({ id, swap: false });
    expect(result.code, result.stderr).toBe(0);
    const restored = restoredServiceName(APP, id);
    expect(JSON.parse(result.stdout.trim())).toEqual({ service: restored, tables: 2, swapped: false });
    expect(result.stderr).toContain(`${restored} verified: 2 tables, as in the backup`);
    expect(result.stderr).toContain(`run again with --yes to move ${APP}'s link from ${APP} to ${restored}`);
    expect(await count(restored)).toBe("300");
    // The live service: same rows, same link, nothing run against it but reads.
    expect(await count(APP)).toBe("100");
    expect((await appConfig()).DATABASE_URL).toBe(liveUrl);
    expect(server.commands().filter((c) => c.argv.includes(APP) && c.argv[0]!.startsWith("mysql:"))).toEqual([]);
    expect(ran("mysql:import").map((c) => c.argv.slice(1))).toEqual([[restored]]);
  });

  it("with --yes (npm run restore, as a user runs it) verifies the restored service again (no second import), then moves the link; the live database stays", async () => {
    server.resetCounters();
    const result = project.run("restore", ["production", "--backup", id, "--yes"], { DOKKU_SSH_PRIVATE_KEY: server.privateKey });
    expect(result.code, result.stderr).toBe(0);
    const restored = restoredServiceName(APP, id);
    expect(JSON.parse(result.stdout.trim())).toEqual({ service: restored, tables: 2, swapped: true });
    expect(result.stderr).toContain(`set restant:databaseService: ${restored} in stacks/Pulumi.production.yaml; commit it`);
    expect(ran("mysql:import")).toEqual([]);
    const order = server.commands().map((c) => c.argv[0]);
    expect(order.indexOf("mysql:connect")).toBeLessThan(order.indexOf("mysql:unlink"));
    const config = await appConfig();
    expect(config.DATABASE_URL).toContain(databaseOf(restored));
    expect(config.DB_URL).toBe(config.DATABASE_URL);
    expect(ran("mysql:destroy")).toEqual([]);
    expect(databaseOf(APP)).toBeDefined();
    expect(await count(APP)).toBe("100");
  });

  it("after --yes, the next up keeps the restore: the program links the restored service and keeps the old one, protected", () => {
    const restored = restoredServiceName(APP, id);
    const file = parse(readFileSync(path.join(project.dir, "stacks/Pulumi.production.yaml"), "utf8")) as { config: Record<string, unknown> };
    expect(file.config["restant:databaseService"]).toBe(restored);
    expect(file.config["restant:kind"]).toBe("production");
    // The offline plan of that stack file, with the policy pack (exit 3 on a mandatory violation).
    const planned = project.run("plan", ["production", "--json"]);
    expect(planned.code, planned.stderr).toBe(0);
    const { resources, policyViolations } = JSON.parse(planned.stdout) as {
      resources: { type: string; name: string; inputs: Record<string, unknown>; options: { protect: boolean; retainOnDelete: boolean } }[];
      policyViolations: unknown[];
    };
    expect(policyViolations).toEqual([]);
    const services = resources.filter((r) => r.type === DOKKU_MYSQL_SERVICE);
    expect(services.map((r) => ({ service: r.inputs.service, app: r.inputs.app, adopt: r.inputs.adopt, protect: r.options.protect, retain: r.options.retainOnDelete }))).toEqual([
      { service: APP, app: undefined, adopt: true, protect: true, retain: true },
      { service: restored, app: APP, adopt: true, protect: true, retain: true },
    ]);
    // The old service keeps its resource name, so no up replaces (protect would refuse) or deletes it.
    expect(services[0]!.name).toBe("restant-runtime-database");
    // Backups before deploys now back up the service the app uses.
    const backup = resources.find((r) => r.name === "restant-runtime-backup")!;
    expect(JSON.stringify(backup.inputs)).toContain(restored);
  });

  it("the next up, resource by resource: the old service is only unlinked in state (no replace, nothing destroyed), the restored one adopted as linked", async () => {
    const restored = restoredServiceName(APP, id);
    const next = await plan({ stack: "production" }, { "restant:dokku": JSON.stringify(dokku), "restant:backup": JSON.stringify({ keep: 3, directory: root }), "restant:databaseService": restored });
    const [kept, inUse] = resourcesOfType(next, DOKKU_MYSQL_SERVICE).map((r) => {
      const { __provider: text, ...inputs } = r.revealedInputs as Record<string, unknown> & { __provider: string };
      return { provider: loadSerializedProvider(text), inputs };
    });
    // The providers read the key from the environment, as under `pulumi up`.
    process.env.DOKKU_SSH_PRIVATE_KEY = server.privateKey;
    server.resetCounters();
    // The state from before the restore: the original service, created by the stack and linked to the app.
    const { adopt: _adopt, ...keptInputs } = kept!.inputs;
    const before = { id: APP, outs: { ...keptInputs, app: APP, tables: 0, rows: 0, linkedApps: [APP], serviceInUse: APP, source: "empty" } };
    const keptAfter = await up(kept!.provider, before, kept!.inputs);
    expect(keptAfter.outs).toMatchObject({ service: APP, linkedApps: [] });
    expect(keptAfter.outs).not.toHaveProperty("app");
    // Settled: the up after that (and the drift check) finds nothing to change.
    expect(await up(kept!.provider, keptAfter, kept!.inputs)).toBe(keptAfter);
    const inUseAfter = await up(inUse!.provider, undefined, inUse!.inputs);
    expect(inUseAfter).toMatchObject({ id: restored, outs: { service: restored, source: "adopted", linkedApps: [APP] } });
    expect(ran("mysql:destroy")).toEqual([]);
    expect(ran("mysql:import")).toEqual([]);
    expect((await appConfig()).DATABASE_URL).toContain(databaseOf(restored));
    expect(await count(restored)).toBe("300");
    expect(await count(APP)).toBe("100");
  });

  it("refuses a backup that is missing or incomplete, and never swaps to a restore that does not verify", async () => {
    const missing = await restore({ id: "20000101T000000Z", swap: true });
    expect(missing.code).toBe(3);
    expect(missing.stderr).toMatch(/there is no backup .*20000101T000000Z\.sql; the backups there: .*\.sql/);

    const dump = readFileSync(path.join(directory, `${id}.sql`), "utf8");
    writeFileSync(path.join(directory, "20000101T000001Z.sql"), dump.split("\n").slice(0, -3).join("\n"));
    const cut = await restore({ id: "20000101T000001Z", swap: true });
    expect(cut.code).toBe(3);
    expect(cut.stderr).toMatch(/is incomplete \(no completion line\); nothing restored/);

    // A dump that names a table it never creates: the restored service holds fewer tables, so no swap.
    const phantom = dump.replace(/^(-- Dump completed.*)$/m, "/*\nCREATE TABLE phantom (id INT);\n*/\n$1");
    writeFileSync(path.join(directory, "20000101T000002Z.sql"), phantom);
    const before = (await appConfig()).DATABASE_URL;
    server.resetCounters();
    const unverified = await restore({ id: "20000101T000002Z", swap: true });
    expect(unverified.code).toBe(1);
    expect(unverified.stderr).toMatch(/holds 2 tables, the backup 3; no swap/);
    expect(ran("mysql:unlink")).toEqual([]);
    expect((await appConfig()).DATABASE_URL).toBe(before);
  });
});
