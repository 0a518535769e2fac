import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requireBuilt } from "../support/built";

// The backup lines of a Forge deploy script (components/forge/backup-step.ts), run with bash as Forge runs the script,
// against real MariaDB: the site's .env gives the credentials, a verified dump is kept, older ones pruned, and a dump
// cut short stops the deploy and leaves nothing behind.

type BackupStep = typeof import("../../components/forge/backup-step");
type MariaDb = typeof import("../doubles/dokku/services/mariadb");

const { backupStep } = requireBuilt<BackupStep>("components/forge/backup-step.ts");
const { testMariaDb, runSql } = requireBuilt<MariaDb>("test/doubles/dokku/services/mariadb.ts");

const DATABASE = `restant_forge_backup_${process.pid}`;
const PASSWORD = `site-password-${process.pid}-Zq8`;

let site: string;
let backups: string;
const sql = (text: string) => {
  const server = testMariaDb();
  if (!server) throw new Error("run through test/services/start.sh");
  return runSql(server, text);
};

/** The deploy script's backup lines, run as Forge runs a deploy script: bash, FORGE_SITE_PATH set, the site's HOME. */
function runBackup(keep: number) {
  const script = backupStep({ directory: backups, keep }).join("\n");
  const run = spawnSync("bash", ["-c", script], {
    encoding: "utf8",
    // HOME is the site's: its ~/.my.cnf only says where the test server's socket is (a Forge server's is the default).
    env: { PATH: process.env.PATH, HOME: site, FORGE_SITE_PATH: site },
  });
  return { code: run.status, stderr: run.stderr };
}

const kept = () => readdirSync(backups).sort();

beforeAll(async () => {
  site = mkdtempSync(path.join(tmpdir(), "restant-forge-site-"));
  backups = path.join(site, "backups", DATABASE);
  await sql(`CREATE DATABASE \`${DATABASE}\`; USE \`${DATABASE}\`;
    CREATE TABLE tenants (id INT PRIMARY KEY, name VARCHAR(40)); INSERT INTO tenants VALUES (1, 'Trattoria'), (2, 'Bistro');
    CREATE TABLE orders (id INT PRIMARY KEY, tenant_id INT, FOREIGN KEY (tenant_id) REFERENCES tenants (id)); INSERT INTO orders VALUES (10, 1);
    CREATE USER '${DATABASE}'@'localhost' IDENTIFIED BY '${PASSWORD}'; GRANT ALL ON \`${DATABASE}\`.* TO '${DATABASE}'@'localhost';`);
  writeFileSync(path.join(site, ".my.cnf"), `[client]\nsocket=${process.env.RESTANT_TEST_MYSQL_SOCKET ?? ""}\n`);
  // As the program writes it (components/forge/dotenv.ts): single-quoted values.
  writeFileSync(path.join(site, ".env"), `APP_ENV='staging'\nDB_DATABASE='${DATABASE}'\nDB_USERNAME='${DATABASE}'\nDB_PASSWORD='${PASSWORD}'\n`);
}, 60_000);

afterAll(async () => {
  await sql(`DROP DATABASE IF EXISTS \`${DATABASE}\`; DROP USER IF EXISTS '${DATABASE}'@'localhost';`);
  rmSync(site, { recursive: true, force: true });
});

describe("the Forge deploy script's backup before migrations", () => {
  it("keeps a verified dump of the site's database, and only the newest `keep` of them", async () => {
    for (let run = 0; run < 3; run += 1) {
      if (run > 0) await new Promise((done) => setTimeout(done, 1_100)); // a backup's name is its second
      const result = runBackup(2);
      expect(result.stderr).toBe("");
      expect(result.code).toBe(0);
    }
    const files = kept();
    expect(files).toHaveLength(2);
    for (const file of files) expect(file).toMatch(/^\d{8}T\d{6}Z\.sql$/);
    const dump = readFileSync(path.join(backups, files[1]!), "utf8");
    expect(dump.trimEnd().split("\n").pop()).toMatch(/^-- Dump completed/);
    expect(dump).toContain("CREATE TABLE `tenants`");
    expect(dump).toContain("CREATE TABLE `orders`");
    expect(dump).toContain("'Trattoria'");
    expect(dump).not.toContain(PASSWORD);
  });

  it("stops the deploy when the dump is cut short, leaving no partial file", async () => {
    const before = kept();
    // A view whose table is gone: the tables dump, then mysqldump stops at the view, without its completion line.
    await sql(`USE \`${DATABASE}\`; CREATE TABLE gone (id INT); CREATE VIEW z_view AS SELECT id FROM gone; DROP TABLE gone;`);
    try {
      const result = runBackup(2);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(`restant-backup: the dump of ${DATABASE} did not complete; no deploy`);
      expect(kept()).toEqual(before);
    } finally {
      await sql(`USE \`${DATABASE}\`; DROP VIEW z_view;`);
    }
  });

  it("stops the deploy when the site's credentials are wrong, naming nothing secret", async () => {
    const env = readFileSync(path.join(site, ".env"), "utf8");
    writeFileSync(path.join(site, ".env"), env.replace(PASSWORD, "not-the-password"));
    try {
      const before = kept();
      const result = runBackup(2);
      expect(result.code).not.toBe(0);
      expect(result.stderr).toContain("Access denied");
      expect(result.stderr).not.toContain("not-the-password");
      expect(kept()).toEqual(before);
    } finally {
      writeFileSync(path.join(site, ".env"), env);
    }
  });
});
