import { DUMP_CHECKS } from "../dokku/server/dump-checks";
import { shellWord } from "../dokku/server/shell-word";

export interface BackupStepOptions {
  /** Folder the site's user can write, one per database: the newest `keep` verified dumps stay there. */
  directory: string;
  /** How many verified backups to keep; at least 1, so the newest good one is never deleted. */
  keep: number;
}

/**
 * Deploy-script lines that take a verified backup of the site's database before anything migrates: mysqldump
 * (--single-transaction) with the credentials of the site's .env (the password passes in MYSQL_PWD, never on a
 * command line), accepted only when it ends with mysqldump's completion line and holds as many tables as the live
 * database; then the oldest beyond `keep` are removed. Any failure stops the script, so nothing is deployed.
 */
export function backupStep(options: BackupStepOptions): string[] {
  if (!Number.isInteger(options.keep) || options.keep < 1) throw new Error(`backup keep must be a whole number of at least 1, got ${options.keep}`);
  return [
    "# A verified backup before anything migrates (restant: backup before every deploy).",
    `backup_dir=${shellWord(options.directory)}`,
    'mkdir -p "$backup_dir" && chmod 0700 "$backup_dir"',
    // The .env is written by the program with single-quoted values; the DB lines hold letters and digits only.
    `eval "$(grep -E '^DB_(DATABASE|USERNAME|PASSWORD)=' "$FORGE_SITE_PATH/.env")"`,
    'export MYSQL_PWD="$DB_PASSWORD"',
    'backup_id="$(date -u +%Y%m%dT%H%M%SZ)"',
    'partial="$backup_dir/$backup_id.sql.partial"',
    'mysqldump --single-transaction --routines --triggers --user="$DB_USERNAME" "$DB_DATABASE" > "$partial"',
    ...DUMP_CHECKS.split("\n"),
    'if ! dump_complete "$partial"; then rm -f "$partial"; echo "restant-backup: the dump of $DB_DATABASE did not complete; no deploy" >&2; exit 1; fi',
    `live_tables="$(mysql --user="$DB_USERNAME" --batch --skip-column-names --execute="SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = DATABASE() AND table_type = 'BASE TABLE'" "$DB_DATABASE")"`,
    'dumped_tables="$(dump_tables "$partial")"',
    'if [ "$live_tables" != "$dumped_tables" ]; then rm -f "$partial"; echo "restant-backup: the dump holds $dumped_tables tables, $DB_DATABASE has $live_tables; no deploy" >&2; exit 1; fi',
    'mv "$partial" "$backup_dir/$backup_id.sql"',
    'unset MYSQL_PWD DB_PASSWORD',
    `find "$backup_dir" -maxdepth 1 -name '*.sql' | sort | head -n -${options.keep} | xargs -r rm -f`,
  ];
}
