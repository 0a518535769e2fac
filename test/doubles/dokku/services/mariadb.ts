import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { Transform } from "node:stream";
import { MysqlService } from "../state/types";

/**
 * The test MariaDB server test/services/start.sh started, reached with the admin option file it wrote (so no password
 * is ever on a command line). One dokku-mysql service = one database and one user on it.
 */
export interface MariaDbServer {
  host: string;
  port: number;
  defaultsFile: string;
}

export function testMariaDb(env: NodeJS.ProcessEnv = process.env): MariaDbServer | undefined {
  const { RESTANT_TEST_MYSQL_HOST, RESTANT_TEST_MYSQL_PORT, RESTANT_TEST_MYSQL_DEFAULTS_FILE } = env;
  if (!RESTANT_TEST_MYSQL_PORT || !RESTANT_TEST_MYSQL_DEFAULTS_FILE) return undefined;
  return {
    host: RESTANT_TEST_MYSQL_HOST ?? "127.0.0.1",
    port: Number(RESTANT_TEST_MYSQL_PORT),
    defaultsFile: RESTANT_TEST_MYSQL_DEFAULTS_FILE,
  };
}

/** Names on the server for a service: MariaDB allows [A-Za-z0-9_] freely, 64 characters for a database. */
export function mysqlNames(namespace: string, service: string): { database: string; user: string; password: string } {
  const sanitized = service.replace(/[.-]/g, "_");
  return {
    database: `dokku_${namespace}_${sanitized}`.slice(0, 64),
    user: `u_${namespace}_${randomBytes(6).toString("hex")}`,
    password: randomBytes(8).toString("hex"),
  };
}

export async function createMysqlService(server: MariaDbServer, service: MysqlService): Promise<void> {
  await runSql(
    server,
    [
      `CREATE DATABASE \`${service.database}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;`,
      `CREATE USER '${service.user}'@'%' IDENTIFIED BY '${service.password}';`,
      `GRANT ALL PRIVILEGES ON \`${service.database}\`.* TO '${service.user}'@'%';`,
    ].join("\n"),
  );
}

export async function dropMysqlService(service: MysqlService, server = testMariaDb()): Promise<void> {
  if (!server) return;
  await runSql(server, `DROP DATABASE IF EXISTS \`${service.database}\`;\nDROP USER IF EXISTS '${service.user}'@'%';`);
}

/** The DSN dokku-mysql links as DATABASE_URL, pointing at the test server instead of a container. */
export function mysqlDsn(server: MariaDbServer, service: MysqlService): string {
  return `mysql://${service.user}:${service.password}@${server.host}:${server.port}/${service.database}`;
}

/** Where a dump goes: the command's stdout, and mysqldump's own errors to its stderr. */
export interface DumpOutput {
  write(chunk: Buffer): void;
  writeError(chunk: Buffer): void;
}

/** service_export: mysqldump of the database to `output`. Resolves with mysqldump's exit code. */
export function exportDatabase(server: MariaDbServer, database: string, output: DumpOutput): Promise<number> {
  const dump = spawn("mysqldump", [...dumpArgs(server), database], { stdio: ["ignore", "pipe", "pipe"] });
  dump.stdout.on("data", (chunk: Buffer) => output.write(chunk));
  dump.stderr.on("data", (chunk: Buffer) => output.writeError(chunk));
  return exitOf(dump);
}

/** service_import: feeds `input` (SQL) to mysql on the database. Resolves with mysql's exit code. */
export function importDatabase(
  server: MariaDbServer,
  database: string,
  input: NodeJS.ReadableStream | Buffer | string,
  output?: { stdout(chunk: Buffer): void; stderr(chunk: Buffer): void },
): Promise<number> {
  // The client's own output (results of any SELECT in the input) and errors, as `docker exec -i … mysql` prints them.
  const load = spawn("mysql", [`--defaults-extra-file=${server.defaultsFile}`, database], { stdio: ["pipe", "pipe", "pipe"] });
  load.stdout.on("data", (chunk: Buffer) => output?.stdout(chunk));
  load.stderr.on("data", (chunk: Buffer) => output?.stderr(chunk));
  load.stdin.on("error", () => undefined);
  if (typeof input === "string" || Buffer.isBuffer(input)) load.stdin.end(input);
  else input.pipe(load.stdin);
  return exitOf(load);
}

/**
 * mysql:clone's `service_export | service_import >/dev/null 2>&1 || true`: the dump streamed into the new database,
 * every error swallowed — a clone that failed half-way still "succeeds", which is why callers must verify it.
 */
export async function cloneDatabase(server: MariaDbServer, from: string, to: string, stopAfterBytes?: number): Promise<void> {
  const dump = spawn("mysqldump", [...dumpArgs(server), from], { stdio: ["ignore", "pipe", "ignore"] });
  const stream = stopAfterBytes === undefined ? dump.stdout : dump.stdout.pipe(firstBytes(stopAfterBytes));
  const loaded = importDatabase(server, to, stream);
  await Promise.all([exitOf(dump).catch(() => 1), loaded]);
}

/** Passes the first `limit` bytes and ends: the import sees a dump cut off, as when a copy dies half-way. */
function firstBytes(limit: number): Transform {
  let passed = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      const room = Math.max(0, limit - passed);
      passed += chunk.length;
      done(null, room >= chunk.length ? chunk : chunk.subarray(0, room));
    },
  });
}

function dumpArgs(server: MariaDbServer): string[] {
  return [
    `--defaults-extra-file=${server.defaultsFile}`,
    "--default-character-set=utf8mb4",
    "--single-transaction",
    "--no-tablespaces",
    "--quick",
  ];
}

/** Runs SQL given on stdin (never on the command line, where passwords would show in `ps`). */
export async function runSql(server: MariaDbServer, sql: string): Promise<string> {
  const child = spawn("mysql", [`--defaults-extra-file=${server.defaultsFile}`, "--batch", "--skip-column-names"], {
    stdio: ["pipe", "pipe", "pipe"],
  });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout.on("data", (chunk: Buffer) => out.push(chunk));
  child.stderr.on("data", (chunk: Buffer) => err.push(chunk));
  child.stdin.end(sql);
  const code = await exitOf(child);
  if (code !== 0) throw new Error(`mysql exited ${code}: ${Buffer.concat(err).toString("utf8").trim()}`);
  return Buffer.concat(out).toString("utf8");
}

function exitOf(child: ReturnType<typeof spawn>): Promise<number> {
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("close", (code) => resolve(code ?? 1));
  });
}
