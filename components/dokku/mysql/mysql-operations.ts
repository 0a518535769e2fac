import type { DokkuRunner } from "../client/dokku-runner";
import { type DatabaseInventory, INVENTORY_SQL, inventoryDifferences, inventorySummary, parseInventory } from "./mysql-verification";
import { isAppMissing, isDokkuCommandError } from "../client/errors/command-errors";
import { parseSnapshotTime, SNAPSHOT_TIME_SQL } from "./snapshot-time";

/**
 * dokku-mysql services as the environments use them: an empty one, or a verified clone of the master snapshot,
 * linked to the app. Knows nothing of Pulumi; every command goes through the caller's Dokku session.
 */

/**
 * A clone whose data differs from its source; the clone has already been removed. A plain Error from a factory, not
 * a subclass: Pulumi's closure serializer turns `super(message)` into `Error.call(this)`, losing the message
 * (components/dokku/errors/command-errors.ts).
 */
export interface MysqlCloneVerificationError extends Error {
  name: "MysqlCloneVerificationError";
  snapshot: string;
  service: string;
  problems: readonly string[];
}

/** What happened to a clone that failed its proof, and what to look at (Dokku's defaults; a Forge copy is emptied). */
const DOKKU_CLONE_OUTCOME = {
  undone: "destroyed",
  hint: "mysql:clone hides import errors; check the snapshot service's health (mysql:logs) and run the update again.",
};

export function mysqlCloneVerificationError(
  snapshot: string,
  service: string,
  problems: readonly string[],
  outcome: { undone: string; hint: string } = DOKKU_CLONE_OUTCOME,
): MysqlCloneVerificationError {
  const shown = problems.slice(0, 10).join("; ");
  const more = problems.length > 10 ? `; and ${problems.length - 10} more` : "";
  const error = new Error(`the clone of the snapshot ${snapshot} into ${service} is not identical, so it was ${outcome.undone}: ${shown}${more}. ${outcome.hint}`);
  return Object.assign(error, { name: "MysqlCloneVerificationError" as const, snapshot, service, problems });
}

/** What a verified clone holds. */
export interface CloneReport {
  tables: number;
  rows: number;
  /** When its data was taken from production, as the snapshot's refresh recorded it; undefined for a snapshot that recorded none. */
  snapshotTakenAt: string | undefined;
}

/** Whether the service exists (`mysql:exists` fails with "… does not exist" otherwise). */
export async function mysqlServiceExists(dokku: DokkuRunner, service: string): Promise<boolean> {
  try {
    await dokku.run(["mysql:exists", service]);
    return true;
  } catch (error) {
    if (isServiceMissing(error)) return false;
    throw error;
  }
}

/** dokku-mysql's answer to any command on a service that does not exist (`MySQL service <name> does not exist`). */
export function isServiceMissing(error: unknown): boolean {
  return isDokkuCommandError(error) && error.messages.some((m) => m.endsWith("does not exist"));
}

/** The apps linked to the service (its LINKS file). */
export async function mysqlLinks(dokku: DokkuRunner, service: string): Promise<string[]> {
  const { stdout } = await dokku.run(["mysql:links", service]);
  return stdout.split("\n").map((line) => line.trim()).filter((line) => line !== "");
}

export async function createEmptyMysql(dokku: DokkuRunner, service: string): Promise<void> {
  await dokku.run(["mysql:create", service]);
}

/** Table list, row counts and checksums of a service's database, read through `mysql:connect` with SQL on stdin. */
export async function mysqlInventory(dokku: DokkuRunner, service: string): Promise<DatabaseInventory> {
  const { stdout } = await dokku.run(["mysql:connect", service], { stdin: INVENTORY_SQL });
  return parseInventory(stdout);
}

/** The time a snapshot (or a clone of one, which carries it) was taken from production; undefined when none is recorded. */
export async function snapshotTime(dokku: DokkuRunner, service: string): Promise<string | undefined> {
  const { stdout } = await dokku.run(["mysql:connect", service], { stdin: SNAPSHOT_TIME_SQL });
  return parseSnapshotTime(stdout);
}

/**
 * `mysql:clone snapshot service`, then proof that the copy is whole: every table present, row counts and checksums
 * equal; then the time its data was taken, read from the clone itself. A clone that fails — the command, or the proof — is destroyed before the error is thrown, so a failed
 * create leaves nothing behind. A service that already exists is refused, never adopted: it may be someone's data.
 */
export async function cloneMysqlVerified(dokku: DokkuRunner, snapshot: string, service: string): Promise<CloneReport> {
  if (await mysqlServiceExists(dokku, service)) {
    throw new Error(
      `the MySQL service ${service} already exists, so it cannot be made a fresh clone of ${snapshot}. ` +
        `If it is left over from a failed run, remove it with \`dokku mysql:destroy ${service} --force\` and run the update again.`,
    );
  }
  try {
    await dokku.run(["mysql:clone", snapshot, service]);
    const [source, clone] = await Promise.all([mysqlInventory(dokku, snapshot), mysqlInventory(dokku, service)]);
    const problems = inventoryDifferences(source, clone);
    if (problems.length > 0) throw mysqlCloneVerificationError(snapshot, service, problems);
    return { ...inventorySummary(clone), snapshotTakenAt: await snapshotTime(dokku, service) };
  } catch (error) {
    await destroyMysqlIfPresent(dokku, service).catch((cleanup: unknown) => {
      throw new Error(`${(error as Error).message} — and removing the failed clone failed too: ${(cleanup as Error).message}`);
    });
    throw error;
  }
}

/**
 * Links the service to the app (DATABASE_URL) unless it already is, and gives the app the same DSN as DB_URL, the
 * name Laravel 11+ reads (infra/app-variables.ts); no restart, a deploy follows. `mysql:unlink` removes every var
 * holding the DSN, so DB_URL goes with the link.
 */
export async function linkMysql(dokku: DokkuRunner, service: string, app: string): Promise<void> {
  if (!(await mysqlLinks(dokku, service)).includes(app)) await dokku.run(["mysql:link", service, app, "--no-restart"]);
  await copyDsnForLaravel(dokku, service, app);
}

/** Sets DB_URL to the service's DSN when it is not already: base64 on the line, redacted from errors. */
async function copyDsnForLaravel(dokku: DokkuRunner, service: string, app: string): Promise<void> {
  const dsn = (await dokku.run(["mysql:info", service, "--dsn"])).stdout.trim();
  const { stdout } = await dokku.run(["config:export", app, "--format", "json"], { redact: [dsn] });
  const current = (JSON.parse(stdout) as Record<string, string>)["DB_URL"];
  if (current === dsn) return;
  const encoded = Buffer.from(dsn, "utf8").toString("base64");
  await dokku.run(["config:set", "--encoded", "--no-restart", app, `DB_URL=${encoded}`], { redact: [dsn, encoded] });
}

/**
 * Unlinks every app (dokku-mysql refuses to destroy a linked service) and destroys the service; a service already
 * gone is success.
 */
export async function destroyMysqlIfPresent(dokku: DokkuRunner, service: string): Promise<void> {
  if (!(await mysqlServiceExists(dokku, service))) return;
  for (const app of await mysqlLinks(dokku, service)) {
    await dokku.run(["mysql:unlink", service, app, "--no-restart"]).catch((error: unknown) => {
      // An app destroyed since its link was recorded is no link to keep.
      if (!isAppMissing(error)) throw error;
    });
  }
  await dokku.run(["mysql:destroy", service, "--force"]);
}
