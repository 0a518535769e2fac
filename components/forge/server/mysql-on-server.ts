import type { DokkuRunner } from "../../dokku/client/dokku-runner";
import { isDokkuCommandError } from "../../dokku/client/errors/command-errors";
import { type DatabaseInventory, INVENTORY_SQL, parseInventory } from "../../dokku/mysql/mysql-verification";
import { parseSnapshotTime, SNAPSHOT_TIME_SQL } from "../../dokku/mysql/snapshot-time";
import { isMysqlName, MYSQL_NAME_RULE } from "../mysql-name";

/**
 * MySQL on a Forge server, run by its `forge` user's shell: the `mysql` client with the SQL on stdin (batch mode, as
 * Dokku's `mysql:connect` runs it, so the same SQL and parsers serve both), logged in by the user's own option file
 * (`~/.my.cnf`, docs/forge.md): no password on any command line or in state. Knows nothing of Pulumi.
 */

/** Runs `sql` with `database` as the default database ("" for none) and resolves with the client's output. */
export async function mysqlOn(shell: DokkuRunner, database: string, sql: string): Promise<string> {
  const args = database === "" ? ["mysql", "--batch"] : ["mysql", "--batch", database];
  try {
    return (await shell.run(args, { stdin: sql })).stdout;
  } catch (error) {
    throw withLoginHint(error);
  }
}

/**
 * A failure of the `mysql` or `mysqldump` client refused its login (ERROR 1045, Access denied) told where that login
 * comes from: the forge user's option file, which Forge writes with the server's database password. The message
 * gains the hint; the password is never in it (the client does not print it).
 */
export function withLoginHint(error: unknown): unknown {
  if (isDokkuCommandError(error) && error.messages.some((m) => /\b1045\b.*Access denied/.test(m))) {
    error.message = `${error.message} — MySQL refused the forge user's login on the previews' server: check the forge user's ~/.my.cnf (docs/forge.md)`;
  }
  return error;
}

/** `name`, refused unless it is a plain MySQL name (mysql-name.ts: never quoted or escaped, refused). */
export function plainMysqlName(name: string, what: string): string {
  if (!isMysqlName(name)) throw new Error(`${what} must be ${MYSQL_NAME_RULE}, got ${JSON.stringify(String(name).slice(0, 70))}`);
  return name;
}

/** The database's character set and collation, or undefined when the server has no such database. */
export async function databaseCharset(shell: DokkuRunner, database: string): Promise<{ charset: string; collation: string } | undefined> {
  plainMysqlName(database, "the database");
  const out = await mysqlOn(
    shell,
    "",
    `SELECT 'schema' AS tag, DEFAULT_CHARACTER_SET_NAME, DEFAULT_COLLATION_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = '${database}';\n`,
  );
  const row = out.split("\n").find((line) => line.startsWith("schema\t"));
  if (row === undefined) return undefined;
  const [, charset, collation] = row.split("\t");
  return { charset: charset!, collation: collation! };
}

/** Table list, row counts and checksums (the Dokku clone's proof, mysql-verification.ts). */
export async function inventoryOn(shell: DokkuRunner, database: string): Promise<DatabaseInventory> {
  return parseInventory(await mysqlOn(shell, database, INVENTORY_SQL));
}

/** When the snapshot the database was copied from was taken from production; undefined when it recorded none. */
export async function snapshotTimeOn(shell: DokkuRunner, database: string): Promise<string | undefined> {
  return parseSnapshotTime(await mysqlOn(shell, database, SNAPSHOT_TIME_SQL));
}

/** Whether a failure is MySQL saying the database does not exist (ERROR 1049). */
export function isUnknownDatabase(error: unknown): boolean {
  return isDokkuCommandError(error) && error.messages.some((m) => /ERROR 1049|Unknown database/.test(m));
}
