/**
 * When a master snapshot's data was taken from production. The weekly refresh (server/snapshot-refresh-script.ts)
 * writes it into the masked copy as a one-row table, so every clone carries it with its data: reading it from the
 * clone says exactly how old that clone's data is, whatever refresh ran since. Knows nothing of SSH or Pulumi.
 */

/** The table the refresh writes (`taken_at`, an ISO 8601 UTC time); a snapshot made before it has none. */
export const SNAPSHOT_TIME_TABLE = "restant_snapshot_info";

/**
 * SQL for `mysql:connect`: one tagged row, `taken_at <time>`, or `none` when the database has no such table (an older
 * snapshot); the statement is prepared so a missing table is an answer, not an error.
 */
export const SNAPSHOT_TIME_SQL = `SET @restant_time = IF(
  (SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = '${SNAPSHOT_TIME_TABLE}') = 1,
  'SELECT ''taken_at'' AS tag, MAX(taken_at) FROM ${SNAPSHOT_TIME_TABLE}',
  'SELECT ''none'' AS tag');
PREPARE restant_time FROM @restant_time;
EXECUTE restant_time;
DEALLOCATE PREPARE restant_time;
SELECT 'end' AS tag;
`;

/**
 * The stack output `snapshotTakenAt` of a preview whose snapshot recorded no time: said plainly, never made up. The
 * preview comment shows it as such (scripts/lifecycle/preview-comment.ts).
 */
export const UNKNOWN_SNAPSHOT_TIME = "unknown";

const ISO_UTC = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;

/** Whether a recorded value is a UTC time as the refresh writes it (anything else is never shown as one). */
export function isSnapshotTime(value: string): boolean {
  return ISO_UTC.test(value) && !Number.isNaN(Date.parse(value));
}

/**
 * The recorded time from SNAPSHOT_TIME_SQL's output, or undefined when the snapshot recorded none (or something that
 * is not a UTC time: never shown as one). Throws when the output stops before its end marker.
 */
export function parseSnapshotTime(output: string): string | undefined {
  let takenAt: string | undefined;
  let complete = false;
  for (const line of output.split("\n")) {
    const [tag, value] = line.split("\t");
    if (tag === "taken_at" && value !== undefined && isSnapshotTime(value)) takenAt = value;
    else if (tag === "end") complete = true;
  }
  if (!complete) throw new Error("reading the snapshot's time ended early (its output has no end marker)");
  return takenAt;
}
