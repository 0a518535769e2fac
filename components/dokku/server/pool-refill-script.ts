import { redisCliLine } from "../redis/redis-slot-script";
import { INVENTORY_SQL } from "../mysql/mysql-verification";
import { SNAPSHOT_TIME_SQL, UNKNOWN_SNAPSHOT_TIME } from "../mysql/snapshot-time";
import { POOL_COUNT_SCRIPT, POOL_READY_SCRIPT, POOL_REGISTER_SCRIPT, POOL_RETIRE_SCRIPT } from "../mysql/pool-script";
import { SNAPSHOT_GENERATION_PATH, SNAPSHOT_LOCK_PATH } from "./snapshot-refresh-script";
import { shellWord } from "./shell-word";

export const POOL_REFILL_PATH = "/usr/local/sbin/restant-pool-refill";
export const POOL_REFILL_CRON = "/etc/cron.d/restant-pool-refill";

export interface PoolRefillOptions {
  /** The master snapshot every member is cloned from (only ever the masked snapshot, never production). */
  snapshot: string;
  /** Members kept ready. */
  size: number;
  /** Every member's name starts with it (infra/names.ts poolMemberPrefix) … */
  prefix: string;
  /** … and matches it (poolMemberPattern). */
  memberPattern: string;
  /** The registry hash, in database 0 of the non-production Redis service `redisService`. */
  registry: string;
  redisService: string;
  /** The refresh's lock and generation file. Default: SNAPSHOT_LOCK_PATH, SNAPSHOT_GENERATION_PATH (tests give their own). */
  lockPath?: string;
  generationPath?: string;
}

/** An EVAL line without its arguments: the shell appends them, each checked to be a plain word first. */
const evalPrefix = (script: string, registry: string) => redisCliLine(["EVAL", script, "1", registry]);

/**
 * The warm pool's refill job, run as root by cron every few minutes. One run at a time, and never while the snapshot
 * refresh runs (the same lock): members are cloned only from the masked snapshot, and never from one being replaced.
 *  1. Retire: every unclaimed member cloned from an older snapshot generation (the refresh records the generation
 *     it made), and every `filling` member (a refill that died half-way), leaves the registry in one atomic step, then
 *     its service is destroyed: a claim can never take a retired member.
 *  2. Leftovers: a service named like a member that the registry does not know is destroyed (if no app is linked).
 *  3. Fill: while fewer than `size` are ready, a new member is registered as `filling` (never claimable), cloned from
 *     the snapshot, and proved identical to it (tables, row counts, CHECKSUM TABLE: mysql:clone swallows import errors);
 *     only then does it become `ready`, with the snapshot's recorded time (a claim answers it from the registry). A
 *     clone that fails the proof is destroyed and the run fails, leaving its record `filling` for the next run to retire.
 * Claimed members are never touched here: they are their previews', destroyed with them (or by the reaper).
 */
export function poolRefillScript(options: PoolRefillOptions): string {
  if (!Number.isInteger(options.size) || options.size < 1) throw new Error(`warm pool size must be a whole number of at least 1, got ${options.size}`);
  return `#!/bin/sh
# Installed by the restant platform stack (Pulumi): keeps the warm pool of preview databases full and current.
set -eu

snapshot=${shellWord(options.snapshot)}
redis=${shellWord(options.redisService)}
size=${options.size}
prefix=${shellWord(options.prefix)}
pattern=${shellWord(options.memberPattern)}

say() { echo "restant-pool-refill: $*"; }
fail() {
  echo "restant-pool-refill: $*" >&2
  exit 1
}

exec 9>${shellWord(options.lockPath ?? SNAPSHOT_LOCK_PATH)}
if ! flock -n 9; then
  say "the snapshot refresh or another refill is running; the next run tops the pool up"
  exit 0
fi

generation="$(cat ${shellWord(options.generationPath ?? SNAPSHOT_GENERATION_PATH)} 2>/dev/null || echo initial)"
plain_word() {
  case "$1" in
    '' | *[!A-Za-z0-9:._-]*) return 1 ;;
  esac
}
plain_word "$generation" || fail "the snapshot generation file holds something other than a plain word"

# One registry script, its arguments double-quoted for redis-cli (each a plain word); prints the script's answer.
pool_eval() {
  line="$1"
  shift
  for arg in "$@"; do
    plain_word "$arg" || fail "refusing to send $arg to Redis"
    line="$line \\"$arg\\""
  done
  printf '%s\\n' "$line" | dokku redis:connect "$redis" | tail -n 1
}
RETIRE=${shellWord(evalPrefix(POOL_RETIRE_SCRIPT, options.registry))}
COUNT=${shellWord(evalPrefix(POOL_COUNT_SCRIPT, options.registry))}
REGISTER=${shellWord(evalPrefix(POOL_REGISTER_SCRIPT, options.registry))}
READY=${shellWord(evalPrefix(POOL_READY_SCRIPT, options.registry))}

work="$(mktemp -d /var/tmp/restant-pool.XXXXXX)"
trap 'rm -rf "$work"' EXIT

destroy_member() {
  if ! dokku mysql:exists "$1" >/dev/null 2>&1; then return 0; fi
  if [ -n "$(dokku mysql:links "$1")" ]; then
    echo "restant-pool-refill: $1 is linked to an app; left alone" >&2
    return 0
  fi
  dokku mysql:destroy "$1" --force >/dev/null
}

# Tables, row counts and checksums, with the database name (which differs per service) cut from the checksum rows.
inventory() {
  dokku mysql:connect "$1" <<'RESTANT_SQL' | awk -F '\\t' 'BEGIN { OFS = "\\t" } { if (index($1, ".") > 0) $1 = substr($1, index($1, ".") + 1); print }'
${INVENTORY_SQL.trimEnd()}
RESTANT_SQL
}

# 1. Retire what is stale or half-made, atomically, then destroy it.
reply="$(pool_eval "$RETIRE" "$generation")"
case "$reply" in retired*) ;; *) fail "the registry did not answer the retire step: $reply" ;; esac
for member in \${reply#retired}; do
  plain_word "$member" || continue
  destroy_member "$member"
  say "retired $member"
done

# 2. Services named like members that the registry does not know.
reply="$(pool_eval "$COUNT")"
case "$reply" in ready\\ *) ;; *) fail "the registry did not answer the count: $reply" ;; esac
known=" \${reply#ready } "
dokku mysql:list | awk '{ print $1 }' | grep -E "$pattern" | while read -r service; do
  case "$known" in
    *" $service "*) ;;
    *)
      destroy_member "$service"
      say "destroyed $service, a member the registry does not know"
      ;;
  esac
done

# 3. Fill up with verified clones of the snapshot.
ready="$(echo "$reply" | awk '{ print $2 }')"
if [ "$ready" -ge "$size" ]; then
  say "$ready of $size ready (snapshot generation $generation)"
  exit 0
fi
inventory "$snapshot" >"$work/snapshot.inventory"
grep -q '^end$' "$work/snapshot.inventory" || fail "could not read the inventory of $snapshot"
# When the snapshot's data was taken: recorded with each member (proved identical to the snapshot, the time's table
# included), so a claim answers it without a query on the member.
dokku mysql:connect "$snapshot" >"$work/snapshot.time" <<'RESTANT_SQL'
${SNAPSHOT_TIME_SQL.trimEnd()}
RESTANT_SQL
grep -q '^end$' "$work/snapshot.time" || fail "could not read when $snapshot was taken"
taken_at="$(awk -F '\\t' '$1 == "taken_at" { print $2 }' "$work/snapshot.time")"
case "$taken_at" in
  [0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-6][0-9]Z) ;;
  *) taken_at=${UNKNOWN_SNAPSHOT_TIME} ;;
esac
while [ "$ready" -lt "$size" ]; do
  member="$prefix$(date -u +%Y%m%d%H%M%S)-$(od -An -N2 -tx1 /dev/urandom | tr -d ' \\n')"
  echo "$member" | grep -Eq "$pattern" || fail "made the member name $member, which does not match $pattern"
  [ "$(pool_eval "$REGISTER" "$member" "$generation")" = registered ] || continue
  dokku mysql:clone "$snapshot" "$member" >/dev/null
  inventory "$member" >"$work/member.inventory"
  if ! cmp -s "$work/snapshot.inventory" "$work/member.inventory"; then
    destroy_member "$member"
    fail "the clone $member differs from $snapshot (mysql:clone hides import errors); destroyed, the pool stays at $ready"
  fi
  if [ "$(pool_eval "$READY" "$member" "$taken_at")" != ready ]; then
    destroy_member "$member"
    fail "$member was taken out of the registry while it was cloned; destroyed"
  fi
  ready=$((ready + 1))
  say "added $member ($ready of $size ready, snapshot generation $generation)"
done
`;
}
