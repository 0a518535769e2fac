import type { DokkuRunner } from "../../dokku/client/dokku-runner";
import { mysqlCloneVerificationError, type CloneReport } from "../../dokku/mysql/mysql-operations";
import { inventoryDifferences, inventorySummary } from "../../dokku/mysql/mysql-verification";
import { SNAPSHOT_TIME_TABLE } from "../../dokku/mysql/snapshot-time";
import { databaseCharset, inventoryOn, mysqlOn, plainMysqlName, snapshotTimeOn, withLoginHint } from "./mysql-on-server";

/**
 * A preview's database on a Forge server filled from the master snapshot on the same server, proven whole the way the
 * Dokku clone is (every table and view, row counts, CHECKSUM TABLE), and emptied again. Knows nothing of Pulumi.
 */

/**
 * The copy, run by the `forge` user's bash: mysqldump of the snapshot (one consistent transaction, views, routines and
 * triggers) piped into the preview's database, failing on any error on either side (`pipefail`), unlike dokku-mysql's
 * clone, which swallows import errors. The names arrive as arguments ($1, $2), never as part of the script.
 */
export const COPY_SCRIPT = [
  "set -euo pipefail",
  'mysqldump --single-transaction --routines --triggers --no-tablespaces "$1" | mysql "$2"',
].join("\n");

/**
 * Fills `database` (made empty by Forge's API) from `snapshot` and proves it identical, then reads when the
 * snapshot's data was taken. A database that already holds tables is refused, never overwritten: it may be someone's
 * data. A copy that fails, or fails the proof, is emptied again before the error is thrown, so a failed create leaves
 * the database as Forge made it.
 */
export async function copySnapshotVerified(shell: DokkuRunner, snapshot: string, database: string): Promise<CloneReport> {
  plainMysqlName(snapshot, "the snapshot");
  plainMysqlName(database, "the preview's database");
  if (snapshot === database) throw new Error(`refusing to copy the snapshot ${snapshot} onto itself`);
  if ((await databaseCharset(shell, snapshot)) === undefined) {
    throw new Error(
      `the Forge server has no snapshot database ${snapshot} to copy (restant:database.snapshotService, with _ for -): ` +
        'load the masked snapshot there first (docs/forge.md, "Where the snapshot comes from")',
    );
  }
  await refuseUnmaskedSnapshot(shell, snapshot);
  const before = await inventoryOn(shell, database);
  const held = Object.keys(before.tables).length;
  if (held > 0) {
    throw new Error(
      `the database ${database} already holds ${held} table(s), so it cannot be made a fresh copy of ${snapshot}. ` +
        "If it is left over from a failed run, drop it in Forge and run the update again.",
    );
  }
  try {
    await shell.run(["bash", "-c", COPY_SCRIPT, "restant-snapshot-copy", snapshot, database]).catch((failure: unknown) => {
      throw withLoginHint(failure);
    });
    const [source, copy] = await Promise.all([inventoryOn(shell, snapshot), inventoryOn(shell, database)]);
    const problems = inventoryDifferences(source, copy);
    if (problems.length > 0) throw mysqlCloneVerificationError(snapshot, database, problems, {
        undone: "emptied again",
        hint: "Check the Forge server's MySQL (its error log, free disk) and the snapshot database, and run the update again.",
      });
    return { ...inventorySummary(copy), snapshotTakenAt: await snapshotTimeOn(shell, database) };
  } catch (error) {
    await emptyDatabase(shell, database).catch((cleanup: unknown) => {
      throw new Error(`${(error as Error).message} — and emptying ${database} again failed too: ${(cleanup as Error).message}`);
    });
    throw error;
  }
}

/**
 * Fails closed on a snapshot the masking refresh did not write: the refresh records the time its data was taken
 * (SNAPSHOT_TIME_TABLE) in the masked copy only, so a database without it may be production's data loaded as it is.
 */
async function refuseUnmaskedSnapshot(shell: DokkuRunner, snapshot: string): Promise<void> {
  if ((await snapshotTimeOn(shell, snapshot)) !== undefined) return;
  throw new Error(
    `the snapshot database ${snapshot} records no time its data was taken (table ${SNAPSHOT_TIME_TABLE}), which only the masking ` +
      "refresh writes: it may hold unmasked production data, so it is not copied into a preview; load a masked snapshot there " +
      `(docs/forge.md, "Where the snapshot comes from": e.g. dokku mysql:export restant-snapshot | ssh forge@<previews' server> mysql ${snapshot})`,
  );
}

/**
 * Drops every table, view, routine and trigger of `database` by dropping it and making it again with the same
 * character set and collation: MySQL keeps the privileges granted on it (Forge's database user still has them), and
 * Forge still finds it by name. A database already gone is left gone.
 */
export async function emptyDatabase(shell: DokkuRunner, database: string): Promise<void> {
  const charset = await databaseCharset(shell, plainMysqlName(database, "the preview's database"));
  if (charset === undefined) return;
  const { charset: set, collation } = charset;
  if (!/^\w+$/.test(set) || !/^\w+$/.test(collation)) throw new Error(`the database ${database} reports an unexpected character set ${set}/${collation}`);
  await mysqlOn(shell, "", `DROP DATABASE \`${database}\`;\nCREATE DATABASE \`${database}\` CHARACTER SET ${set} COLLATE ${collation};\n`);
}
