import { type MaskingRules, PERSONAL_COLUMN_PATTERN } from "../../../infra/config/masking-rules";
import { MASKING_PROBLEMS, maskingApplySql, maskingCheckSql } from "../mysql/masking-sql";
import { SNAPSHOT_TIME_TABLE } from "../mysql/snapshot-time";
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
  /** Where the export is staged and masked (infra/names.ts `snapshotStageService`); exists only during a refresh. */
  stage: string;
  /** The masking rules from the repository. */
  masking: MaskingRules;
  /** Where the run's lock and the snapshot's generation are kept. Default: SNAPSHOT_LOCK_PATH, SNAPSHOT_GENERATION_PATH (tests give their own). */
  lockPath?: string;
  generationPath?: string;
}

/** Drops every view and table of the connected database: the snapshot, just before the masked copy is imported. */
const DROP_ALL_SQL = [
  "SET FOREIGN_KEY_CHECKS = 0;",
  "SET SESSION group_concat_max_len = 67108864;",
  "SELECT GROUP_CONCAT(CONCAT('`', REPLACE(table_name, '`', '``'), '`')) INTO @views FROM information_schema.tables WHERE table_schema = DATABASE() AND table_type = 'VIEW';",
  "SET @q = IF(@views IS NULL, 'DO 0', CONCAT('DROP VIEW ', @views)); PREPARE s FROM @q; EXECUTE s; DEALLOCATE PREPARE s;",
  "SELECT GROUP_CONCAT(CONCAT('`', REPLACE(table_name, '`', '``'), '`')) INTO @tables FROM information_schema.tables WHERE table_schema = DATABASE() AND table_type = 'BASE TABLE';",
  "SET @q = IF(@tables IS NULL, 'DO 0', CONCAT('DROP TABLE ', @tables)); PREPARE s FROM @q; EXECUTE s; DEALLOCATE PREPARE s;",
].join("\n");

/**
 * Refreshes the master snapshot from production, masked: a consistent export, checked complete, imported into a stage
 * service; the masking rules checked against the stage's schema (a rule naming a missing table or column, or a
 * personal-looking column without a rule, stops the refresh and names table.column); the rules applied; the masked
 * stage exported, checked complete, and only then the snapshot's tables dropped and the masked export imported.
 * Whatever fails before that last step leaves the snapshot untouched; production's unmasked export never reaches the
 * snapshot and is deleted as soon as it is staged; the stage is destroyed on every exit. One run at a time (flock).
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
stage=${shellWord(options.stage)}
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
destroy_stage() {
  if dokku mysql:exists "$stage" >/dev/null 2>&1; then
    dokku mysql:destroy "$stage" --force >/dev/null
  fi
}
cleanup() {
  rm -rf "$work"
  destroy_stage || echo "restant-snapshot-refresh: could not destroy the stage $stage; remove it with dokku mysql:destroy" >&2
}
trap cleanup EXIT
dump_complete() { tail -n 1 "$1" | grep -q '^-- Dump completed'; }

# 1. A consistent export of production (mysqldump --single-transaction); its exit status is the dump's.
taken_at="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
dokku mysql:export "$source_service" >"$work/production.sql"
dump_complete "$work/production.sql" || fail "the export of $source_service is incomplete"

# 2. Staged in a service of its own, never the snapshot; the unmasked export leaves the disk at once.
destroy_stage
dokku mysql:create "$stage" >/dev/null
dokku mysql:import "$stage" <"$work/production.sql"
rm -f "$work/production.sql"

# 3. The rules must fit the schema, and every personal-looking column must have one (fail closed).
dokku mysql:connect "$stage" >"$work/check.out" <<'RESTANT_SQL'
${maskingCheckSql(options.masking, PERSONAL_COLUMN_PATTERN).trimEnd()}
RESTANT_SQL
grep -q '^end$' "$work/check.out" || fail "the masking check did not finish"
if grep -q '^problem' "$work/check.out"; then
  {
    echo "restant-snapshot-refresh: the masking rules ($rules_file) do not fit $source_service's data:"
    tab="$(printf '\\t')"
    grep '^problem' "$work/check.out" | while IFS="$tab" read -r _tag kind what; do
      case "$kind" in
${problemCases}
      *) printf '  %s: %s\\n' "$what" "$kind" ;;
      esac
    done
  } >&2
  fail "masking refused"
fi

# 4. Masking.
dokku mysql:connect "$stage" >"$work/mask.out" <<'RESTANT_SQL'
${maskingApplySql(options.masking).trimEnd()}
RESTANT_SQL
grep -q '^masked$' "$work/mask.out" || fail "masking did not finish"
# When production's data was taken (digits and separators from date, nothing else), carried by every clone.
printf '%s\\n' \
  'DROP TABLE IF EXISTS ${SNAPSHOT_TIME_TABLE};' \
  'CREATE TABLE ${SNAPSHOT_TIME_TABLE} (taken_at CHAR(20) NOT NULL);' \
  "INSERT INTO ${SNAPSHOT_TIME_TABLE} (taken_at) VALUES ('$taken_at');" | dokku mysql:connect "$stage" >/dev/null

# 5. The masked copy, exported and checked complete before the snapshot is touched.
dokku mysql:export "$stage" >"$work/masked.sql"
dump_complete "$work/masked.sql" || fail "the export of the masked stage is incomplete"

# 6. Only now: the snapshot replaced by the masked copy (mysql:import reports errors, unlike mysql:clone).
dokku mysql:connect "$snapshot" >/dev/null <<'RESTANT_SQL'
${DROP_ALL_SQL}
RESTANT_SQL
dokku mysql:import "$snapshot" <"$work/masked.sql"
# The new generation: the warm pool's refill retires members cloned from the old one.
generation_file=${shellWord(options.generationPath ?? SNAPSHOT_GENERATION_PATH)}
mkdir -p "$(dirname "$generation_file")"
date -u +%Y%m%dT%H%M%SZ >"$generation_file"
say "$snapshot refreshed from $source_service, masked by $rules_file ($(wc -c <"$work/masked.sql") bytes)"
`;
}
