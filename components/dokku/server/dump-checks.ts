/**
 * Shell functions that judge a mysqldump file the same way wherever one is trusted (the backup before a deploy, a
 * restore, the snapshot refresh): `dump_complete FILE` succeeds only when the file's last line is mysqldump's
 * completion line (an export cut short has none), and `dump_tables FILE` prints how many tables it creates.
 */
export const DUMP_CHECKS = `dump_complete() { tail -n 1 "$1" | grep -q '^-- Dump completed'; }
dump_tables() { grep -c '^CREATE TABLE ' "$1" || true; }`;
