/**
 * The warm pool's registry on the non-production Redis (database 0): a hash, member service name → JSON record
 * `{ state, generation, takenAt?, holder? }`. Every change is one Lua script run with EVAL, so it is one atomic step: two
 * previews claiming at the same moment can never get the same member, and the refill job and a claim never both act
 * on one member. The provider (claim, drop) and the refill job on the server (register, ready, retire, count) use
 * these same scripts. Knows nothing of SSH or Pulumi.
 *
 * States: `filling` (being cloned and verified by the refill job: never claimable), `ready` (verified, claimable),
 * `claimed` (a preview's: never returned to the pool; destroyed with the preview).
 */

/**
 * Claims a member for ARGV[1]: the member it already holds (a create retried after a lost answer converges), else
 * the oldest ready one, marked claimed in the same step. ARGV[3], when not empty, is a member the holder was given and
 * found unusable (missing, or linked to another app): it is forgotten first, in the same step, so rejecting one member
 * and claiming the next costs one round trip. The reply carries the member's recorded snapshot time (`takenAt`, set by
 * the refill when the member became ready), so a claim needs no query on the member. An empty pool answers
 * `{ empty: true, filling: n }`.
 */
export const POOL_CLAIM_SCRIPT = `
local registry, holder, rejected = KEYS[1], ARGV[1], ARGV[3]
if rejected ~= nil and rejected ~= '' then
  local raw = redis.call('HGET', registry, rejected)
  local ok, m = pcall(cjson.decode, raw or '')
  if ok and type(m) == 'table' and m.state == 'claimed' and m.holder == holder then redis.call('HDEL', registry, rejected) end
end
local entries = redis.call('HGETALL', registry)
local pick, filling = nil, 0
for i = 1, #entries, 2 do
  local ok, m = pcall(cjson.decode, entries[i + 1])
  if ok and type(m) == 'table' then
    if m.state == 'claimed' and m.holder == holder then
      return cjson.encode({ member = entries[i], claimed = false, takenAt = m.takenAt })
    end
    if m.state == 'ready' and (pick == nil or entries[i] < pick) then pick = entries[i] end
    if m.state == 'filling' then filling = filling + 1 end
  end
end
if pick == nil then return cjson.encode({ empty = true, filling = filling }) end
local m = cjson.decode(redis.call('HGET', registry, pick))
m.state = 'claimed'
m.holder = holder
m.claimedAt = ARGV[2]
redis.call('HSET', registry, pick, cjson.encode(m))
return cjson.encode({ member = pick, claimed = true, takenAt = m.takenAt })
`;

/** Forgets member ARGV[1] if ARGV[2] holds it (its service is being destroyed); `{ dropped, holder }`. */
export const POOL_DROP_SCRIPT = `
local registry, member, holder = KEYS[1], ARGV[1], ARGV[2]
local raw = redis.call('HGET', registry, member)
if not raw then return cjson.encode({ dropped = false, holder = cjson.null }) end
local ok, m = pcall(cjson.decode, raw)
local current = (ok and type(m) == 'table' and m.holder) or cjson.null
if current ~= holder then return cjson.encode({ dropped = false, holder = current }) end
redis.call('HDEL', registry, member)
return cjson.encode({ dropped = true, holder = current })
`;

/** Every record, for the reaper: `{ "<member>": { state, generation, holder? }, … }` (an empty pool is `{}`). */
export const POOL_LIST_SCRIPT = `
local entries = redis.call('HGETALL', KEYS[1])
local all = {}
for i = 1, #entries, 2 do
  local ok, m = pcall(cjson.decode, entries[i + 1])
  all[entries[i]] = (ok and type(m) == 'table') and m or { state = 'unreadable' }
end
if #entries == 0 then return '{}' end
return cjson.encode(all)
`;

/** Refill: records member ARGV[1] as `filling` for generation ARGV[2], only if the name is new. Answers `registered` or `taken`. */
export const POOL_REGISTER_SCRIPT = `
if redis.call('HSETNX', KEYS[1], ARGV[1], cjson.encode({ state = 'filling', generation = ARGV[2] })) == 1 then return 'registered' end
return 'taken'
`;

/**
 * Refill: a verified member becomes claimable, only if it is still the refill's (`filling`), with the time its data
 * was taken from production (ARGV[2]: the snapshot's recorded time, or `unknown`), so a claim need not read it from
 * the member. Answers `ready` or `gone`.
 */
export const POOL_READY_SCRIPT = `
local raw = redis.call('HGET', KEYS[1], ARGV[1])
if not raw then return 'gone' end
local m = cjson.decode(raw)
if m.state ~= 'filling' then return 'gone' end
m.state = 'ready'
m.takenAt = ARGV[2]
redis.call('HSET', KEYS[1], ARGV[1], cjson.encode(m))
return 'ready'
`;

/**
 * Refill: takes out of the pool every unclaimed member of another generation than ARGV[1] (cloned from an older
 * snapshot), every `filling` one (a refill that died half-way: only the refill, which holds the lock, fills) and any
 * unreadable record, in one step, so no claim can take one of them afterwards. Answers `retired <names…>`.
 */
export const POOL_RETIRE_SCRIPT = `
local entries = redis.call('HGETALL', KEYS[1])
local retired = {}
for i = 1, #entries, 2 do
  local ok, m = pcall(cjson.decode, entries[i + 1])
  local stale = not ok or type(m) ~= 'table' or m.state == 'filling' or (m.state == 'ready' and m.generation ~= ARGV[1])
  if stale then
    redis.call('HDEL', KEYS[1], entries[i])
    retired[#retired + 1] = entries[i]
  end
end
return 'retired ' .. table.concat(retired, ' ')
`;

/** Refill: how many members are ready, and every member the registry knows. Answers `ready <n> <names…>`. */
export const POOL_COUNT_SCRIPT = `
local entries = redis.call('HGETALL', KEYS[1])
local ready, names = 0, {}
for i = 1, #entries, 2 do
  names[#names + 1] = entries[i]
  local ok, m = pcall(cjson.decode, entries[i + 1])
  if ok and type(m) == 'table' and m.state == 'ready' then ready = ready + 1 end
end
return 'ready ' .. ready .. ' ' .. table.concat(names, ' ')
`;

/** `takenAt` is absent for a member made ready before the refill recorded it. */
export type PoolClaimReply = { member: string; claimed: boolean; takenAt?: string } | { empty: true; filling: number };
export type PoolDropReply = { dropped: boolean; holder: string | null };
export interface PoolRecord {
  state: "filling" | "ready" | "claimed" | "unreadable";
  generation?: string;
  holder?: string;
  /** The snapshot's time (ISO 8601 UTC) or `unknown`, recorded when it became ready; absent in older records. */
  takenAt?: string;
}
