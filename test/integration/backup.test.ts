import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { requireBuilt } from "../support/built";
import { type DokkuServer, startDokkuServer } from "../support/dokku-server";
import { connectToDokku, execOverSsh } from "../support/dokku-ssh";
import { plan, resourcesOfType } from "../support/evaluate";

/**
 * The backup before production's deploy, as the program generates it (the plan of the production stack), run as root
 * over SSH on the Dokku double with real MariaDB, then the deploy line: where the backup lands, what it proves, what
 * it keeps, and that it refuses (so the deploy never starts) on a failed export and a full disk.
 */

type MariaDb = typeof import("../doubles/dokku/services/mariadb");
type Store = typeof import("../doubles/dokku/state/store");
const { testMariaDb, runSql } = requireBuilt<MariaDb>("test/doubles/dokku/services/mariadb.ts");
const { StateStore } = requireBuilt<Store>("test/doubles/dokku/state/store.ts");

const COMMIT = "89abcdef0123456789abcdef0123456789abcdef";
let server: DokkuServer;
let root: string;

const mariadb = () => testMariaDb() ?? (() => { throw new Error("run through test/services/start.sh"); })();
const operator = async (...args: string[]) => {
  const result = await server.operator(args);
  if (result.code !== 0) throw new Error(`dokku ${args.join(" ")} exited ${result.code}: ${result.stderr}`);
  return result.stdout;
};

/** The production stack's backup script and deploy line for a backup folder and retention. */
async function production(directory: string, keep = 14) {
  const dokku = { host: server.host, port: server.port, user: "dokku", hostKey: server.hostKey, ipv4: "203.0.113.10" };
  const result = await plan(
    { stack: "production" },
    { "restant:commit": COMMIT, "restant:dokku": JSON.stringify(dokku), "restant:backup": JSON.stringify({ keep, directory }) },
  );
  const commands = resourcesOfType(result, "command:remote:Command");
  const backup = commands.find((command) => command.name === "restant-runtime-backup");
  const deploy = commands.find((command) => command.name === "restant-runtime-deploy");
  if (!backup || !deploy) throw new Error("the production plan has no backup or no deploy command");
  return { backup, deploy, script: String(backup.revealedInputs.stdin) };
}

async function run(user: "root" | "dokku", command: string, stdin?: string) {
  const client = await connectToDokku(server, user);
  try {
    return await execOverSsh(client, command, stdin);
  } finally {
    client.end();
  }
}

/** The files in the service's folder under the configured backup directory (`<directory>/<service>`). */
const backupsIn = (directory: string) => {
  const folder = path.join(directory, "restant-main");
  return existsSync(folder) ? readdirSync(folder).filter((name) => !name.startsWith(".")).sort() : [];
};
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

beforeAll(async () => {
  server = await startDokkuServer();
  root = mkdtempSync(path.join(os.tmpdir(), "restant-backups-"));
  await operator("apps:create", "restant-main");
  await operator("mysql:create", "restant-main");
  await operator("mysql:link", "restant-main", "restant-main", "--no-restart");
  const database = new StateStore(server.stateDir).read().mysql["restant-main"]!.database;
  await runSql(
    mariadb(),
    `USE \`${database}\`; CREATE TABLE tenants (id INT PRIMARY KEY, name VARCHAR(64)); CREATE TABLE orders (id INT PRIMARY KEY, tenant INT);` +
      "INSERT INTO tenants SELECT seq, CONCAT('tenant ', seq) FROM seq_1_to_300; INSERT INTO orders SELECT seq, seq % 300 FROM seq_1_to_2000;",
  );
}, 300_000);

afterAll(async () => {
  await server?.stop();
  if (root) rmSync(root, { recursive: true, force: true });
});

beforeEach(() => server.clearFaults());

describe("the verified backup before production's deploy", () => {
  it("backs up with mysql:export, verifies, then the deploy runs; the deploy depends on the backup", async () => {
    const directory = path.join(root, "first");
    const { backup, deploy, script } = await production(directory);
    expect(deploy.options.dependsOn).toContain(backup.urn);
    expect(backup.revealedInputs.connection).toMatchObject({ user: "root" });

    server.resetCounters();
    const done = await run("root", "sh -s", script);
    expect(done.stderr).toBe("");
    expect(done.code).toBe(0);
    const record = JSON.parse(done.stdout.trim().split("\n").pop()!) as { id: string; path: string; bytes: number; tables: number };
    expect(record.path).toBe(path.join(directory, "restant-main", `${record.id}.sql`));
    expect(backupsIn(directory)).toEqual([`${record.id}.sql`]);
    expect(record.tables).toBe(2);
    const dump = readFileSync(record.path, "utf8");
    expect(record.bytes).toBe(Buffer.byteLength(dump));
    expect(dump).toMatch(/-- Dump completed/);
    expect(dump.match(/^CREATE TABLE /gm)).toHaveLength(2);
    expect(server.commands().map((command) => command.argv[0])).toContain("mysql:export");

    const deployed = await run("dokku", String(deploy.revealedInputs.create));
    expect(deployed.code).toBe(0);
    const order = server.commands().map((command) => command.argv[0]);
    expect(order.lastIndexOf("mysql:export")).toBeLessThan(order.indexOf("git:sync"));
  });

  it("keeps the newest N verified backups and deletes only older ones", async () => {
    const directory = path.join(root, "retention");
    const { script } = await production(directory, 2);
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const done = await run("root", "sh -s", script);
      expect(done.code).toBe(0);
      ids.push((JSON.parse(done.stdout.trim().split("\n").pop()!) as { id: string }).id);
      await sleep(1100); // ids are per second
    }
    expect(backupsIn(directory)).toEqual([`${ids[1]}.sql`, `${ids[2]}.sql`]);
  });

  it("a failed export fails the backup, leaves no partial file and keeps the older backups", async () => {
    const directory = path.join(root, "failing");
    const { script } = await production(directory);
    expect((await run("root", "sh -s", script)).code).toBe(0);
    const before = backupsIn(directory);
    expect(before).toHaveLength(1);
    await sleep(1100);
    server.injectFault({ kind: "fail", command: "mysql:export", message: "mysqldump: Got error: 2013: Lost connection" });
    const failed = await run("root", "sh -s", script);
    expect(failed.code).not.toBe(0);
    expect(failed.stderr).toMatch(/mysql:export restant-main failed; no deploy/);
    expect(backupsIn(directory)).toEqual(before);
  });

  it("a full disk fails before exporting, saying the free space it found", async () => {
    const directory = path.join(root, "full");
    execFileSync("mkdir", ["-p", directory]);
    execFileSync("mount", ["-t", "tmpfs", "-o", "size=16k", "tmpfs", directory]);
    try {
      const { script } = await production(directory);
      server.resetCounters();
      const failed = await run("root", "sh -s", script);
      expect(failed.code).not.toBe(0);
      expect(failed.stderr).toMatch(/has \d+ KiB free, the database restant-main needs about \d+ KiB; no backup, so no deploy/);
      expect(server.commands().map((command) => command.argv[0])).not.toContain("mysql:export");
      expect(backupsIn(directory)).toEqual([]);
    } finally {
      execFileSync("umount", [directory]);
    }
  });
});
