import { type MaskingRules, PERSONAL_COLUMN_PATTERN } from "../../../infra/config/masking-rules";
import { MASKING_PROBLEMS, maskingApplySql, maskingCheckSql } from "../mysql/masking-sql";
import { SNAPSHOT_TIME_TABLE } from "../mysql/snapshot-time";
import { DUMP_CHECKS } from "./dump-checks";
import { shellWord } from "./shell-word";

export const SNAPSHOT_REFRESH_PATH = "/usr/local/sbin/restant-snapshot-refresh";
export const SNAPSHOT_REFRESH_CRON = "/etc/cron.d/restant-snapshot-refresh";
/** One refresh (or warm pool refill) at a time: the refill never clones a snapshot being replaced. */
export const SNAPSHOT_LOCK_PATH = "/run/lock/restant-snapshot-refresh.lock";
/**
 * The snapshot's generation (the UTC time the refresh finished replacing it), written by the refresh: the warm pool's
 * refill retires members cloned from an older one.
 */
export const SNAPSHOT_GENERATION_PATH = "/var/lib/restant/snapshot-generation";

export interface SnapshotRefreshOptions {
  /** Production's dokku-mysql service. */
  source: string;
  /** The master snapshot previews clone. */
  snapshot: string;
  /** The masking rules from the repository. */
  masking: MaskingRules;
  /** Where the run's lock and the snapshot's generation are kept. Default: SNAPSHOT_LOCK_PATH, SNAPSHOT_GENERATION_PATH (tests give their own). */
  lockPath?: string;
  generationPath?: string;
}

/**
 * Swaps the masked tables into the snapshot, run as root on the snapshot's own server (`mysql:import`) with the user
 * variables @live (the snapshot's database) and @next (where the masked copy was made) set first: the snapshot's
 * views are dropped, then ONE `RENAME TABLE` moves every live base table to @old and every masked one into the live
 * database (atomic: all or nothing, and no row is copied), and @old is dropped. Views come back from the export's own
 * view section afterwards.
 */
const SWAP_SQL = [
  "SET SESSION group_concat_max_len = 67108864;",
  "SET FOREIGN_KEY_CHECKS = 0;",
  "SELECT GROUP_CONCAT(CONCAT('`', @live, '`.`', REPLACE(table_name, '`', '``'), '`')) INTO @views FROM information_schema.tables WHERE table_schema = @live AND table_type = 'VIEW';",
  "SET @q = IF(@views IS NULL, 'DO 0', CONCAT('DROP VIEW ', @views)); PREPARE s FROM @q; EXECUTE s; DEALLOCATE PREPARE s;",
  "SET @q = CONCAT('DROP DATABASE IF EXISTS `', @old, '`'); PREPARE s FROM @q; EXECUTE s; DEALLOCATE PREPARE s;",
  "SET @q = CONCAT('CREATE DATABASE `', @old, '`'); PREPARE s FROM @q; EXECUTE s; DEALLOCATE PREPARE s;",
  "SELECT GROUP_CONCAT(CONCAT('`', @live, '`.`', REPLACE(table_name, '`', '``'), '` TO `', @old, '`.`', REPLACE(table_name, '`', '``'), '`')) INTO @out FROM information_schema.tables WHERE table_schema = @live AND table_type = 'BASE TABLE';",
  "SELECT GROUP_CONCAT(CONCAT('`', @next, '`.`', REPLACE(table_name, '`', '``'), '` TO `', @live, '`.`', REPLACE(table_name, '`', '``'), '`')) INTO @in FROM information_schema.tables WHERE table_schema = @next AND table_type = 'BASE TABLE';",
  "SET @q = CONCAT('RENAME TABLE ', CONCAT_WS(', ', @out, @in)); PREPARE s FROM @q; EXECUTE s; DEALLOCATE PREPARE s;",
  "SET @q = CONCAT('DROP DATABASE `', @old, '`'); PREPARE s FROM @q; EXECUTE s; DEALLOCATE PREPARE s;",
  "SELECT 'swapped' AS tag;",
].join("\n");

/** Prints `trigger <table>.<name>` for each trigger in the masked copy: RENAME TABLE refuses to move a table with one. */
const TRIGGERS_SQL = "SELECT 'trigger' AS tag, CONCAT(event_object_table, '.', trigger_name) FROM information_schema.triggers WHERE trigger_schema = DATABASE();";

/**
 * Refreshes the master snapshot from production, masked: a consistent export, checked complete, imported into a side
 * database on the snapshot's own server (never the snapshot's database, which apps and clones read); the masking rules
 * checked against its schema (a rule naming a missing table or column, or a personal-looking column without a rule,
 * stops the refresh and names table.column); the rules applied; then the masked tables swapped into the snapshot with
 * one atomic RENAME TABLE and its views re-created from the export's view definitions. No second export and import:
 * masking costs the check, the UPDATEs and the swap. Whatever fails before the swap leaves the snapshot untouched (the
 * swap itself is all or nothing); production's unmasked export is deleted as soon as it is loaded (its view DDL kept
 * apart); the side databases are dropped on every exit. One run at a time (flock), shared with the warm pool's refill.
 * The time production's export began is written into the masked copy (table SNAPSHOT_TIME_TABLE, one row), so every
 * clone carries when its data was taken and a preview can say how old its data is.
 * Every value is a quoted shell variable or word; the SQL travels in quoted here-documents, never expanded.
 */
export function snapshotRefreshScript(options: SnapshotRefreshOptions): string {
  const problemCases = Object.entries(MASKING_PROBLEMS)
    .map(([kind, meaning]) => `      ${kind}) printf '  %s: %s\\n' "$what" ${shellWord(meaning)} ;;`)
    .join("\n");
  return `#!/bin/sh
# Installed by the restant platform stack (Pulumi): refreshes the master snapshot from production, masked.
set -eu

source_service=${shellWord(options.source)}
snapshot=${shellWord(options.snapshot)}
rules_file=${shellWord(options.masking.file)}

say() { echo "restant-snapshot-refresh: $*"; }
fail() {
  echo "restant-snapshot-refresh: $*; the snapshot $snapshot is unchanged" >&2
  exit 1
}

exec 9>${shellWord(options.lockPath ?? SNAPSHOT_LOCK_PATH)}
if ! flock -n 9; then
  echo "restant-snapshot-refresh: another refresh is running" >&2
  exit 0
fi

work="$(mktemp -d /var/tmp/restant-snapshot.XXXXXX)"
# The snapshot's database, from its DSN; the side databases are named after it, so services never share them.
live="$(dokku mysql:info "$snapshot" --dsn)"
live="\${live##*/}"
case "$live" in '' | *[!A-Za-z0-9_]*) fail "could not read the database name of $snapshot" ;; esac
tag="$(printf '%s' "$live" | md5sum | cut -c1-16)"
next="restant_next_$tag"
old="restant_old_$tag"
# Runs SQL as root on the snapshot's server (service_import runs mysql --user=root on its database), in the side database.
in_next() {
  { printf 'USE %s;\\n' "$next"; cat; } | dokku mysql:import "$snapshot"
}
drop_side() {
  printf 'DROP DATABASE IF EXISTS %s;\\nDROP DATABASE IF EXISTS %s;\\n' "$next" "$old" | dokku mysql:import "$snapshot"
}
cleanup() {
  rm -rf "$work"
  drop_side || echo "restant-snapshot-refresh: could not drop the side databases $next and $old of $snapshot; drop them by hand" >&2
}
trap cleanup EXIT
${DUMP_CHECKS}

# 1. A consistent export of production (mysqldump --single-transaction); its exit status is the dump's.
taken_at="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
dokku mysql:export "$source_service" >"$work/production.sql"
dump_complete "$work/production.sql" || fail "the export of $source_service is incomplete"
# Its view definitions (DDL only, no data), for after the swap.
# Each view's block is self-contained; the dump's closing lines restore session settings its header saved, so they stay out.
{
  echo 'SET NAMES utf8mb4;'
  awk '/^-- Final view structure for view/ { on = 1 } index($0, "/*!40103 SET TIME_ZONE=@OLD_TIME_ZONE") == 1 { on = 0 } on' "$work/production.sql"
} >"$work/views.sql"

# 2. Loaded into a side database of the snapshot's server, never the snapshot's own; the export leaves the disk at once.
drop_side
printf 'CREATE DATABASE %s CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;\\n' "$next" | dokku mysql:import "$snapshot"
in_next <"$work/production.sql"
bytes="$(wc -c <"$work/production.sql")"
rm -f "$work/production.sql"

# 3. The rules must fit the schema, and every personal-looking column must have one (fail closed).
in_next >"$work/check.out" <<'RESTANT_SQL'
${maskingCheckSql(options.masking, PERSONAL_COLUMN_PATTERN).trimEnd()}
RESTANT_SQL
grep -q '^end$' "$work/check.out" || fail "the masking check did not finish"
if grep -q '^problem' "$work/check.out"; then
  {
    echo "restant-snapshot-refresh: the masking rules ($rules_file) do not fit $source_service's data:"
    tab="$(printf '\t')"
    grep '^problem' "$work/check.out" | while IFS="$tab" read -r _tag kind what; do
      case "$kind" in
${problemCases}
      *) printf '  %s: %s\n' "$what" "$kind" ;;
      esac
    done
  } >&2
  fail "masking refused"
fi

# 4. Masking, set-based: one UPDATE per table.
in_next >"$work/mask.out" <<'RESTANT_SQL'
${maskingApplySql(options.masking).trimEnd()}
RESTANT_SQL
grep -q '^masked$' "$work/mask.out" || fail "masking did not finish"
# When production's data was taken (digits and separators from date, nothing else), carried by every clone.
printf '%s\n' \
  'DROP TABLE IF EXISTS ${SNAPSHOT_TIME_TABLE};' \
  'CREATE TABLE ${SNAPSHOT_TIME_TABLE} (taken_at CHAR(20) NOT NULL);' \
  "INSERT INTO ${SNAPSHOT_TIME_TABLE} (taken_at) VALUES ('$taken_at');" | in_next >/dev/null

# 5. Only now: the masked tables swapped into the snapshot (one RENAME TABLE, all or nothing), then its views.
in_next >"$work/triggers.out" <<'RESTANT_SQL'
${TRIGGERS_SQL}
RESTANT_SQL
if grep -q '^trigger' "$work/triggers.out"; then
  fail "$source_service has triggers ($(grep '^trigger' "$work/triggers.out" | cut -f2 | tr '\n' ' ')), which RENAME TABLE cannot move between databases"
fi
{
  printf "SET @live = '%s', @next = '%s', @old = '%s';\n" "$live" "$next" "$old"
  cat <<'RESTANT_SQL'
${SWAP_SQL}
RESTANT_SQL
} | dokku mysql:import "$snapshot" >"$work/swap.out"
grep -q '^swapped$' "$work/swap.out" || fail "the swap did not finish"
dokku mysql:import "$snapshot" <"$work/views.sql"
# The new generation: the warm pool's refill retires members cloned from the old one.
generation_file=${shellWord(options.generationPath ?? SNAPSHOT_GENERATION_PATH)}
mkdir -p "$(dirname "$generation_file")"
date -u +%Y%m%dT%H%M%SZ >"$generation_file"
say "$snapshot refreshed from $source_service, masked by $rules_file ($bytes bytes)"
`;
}
