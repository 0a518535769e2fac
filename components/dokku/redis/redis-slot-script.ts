/**
 * The Redis side of slot claiming: Lua scripts run with EVAL, so each claim, release or lookup is one atomic step on
 * the shared Redis (two stacks running `up` at once can never take the same logical database), and the redis-cli
 * lines that carry them. The registry is a hash in database 0, slot number → holder. Knows nothing of SSH or Pulumi.
 */

/**
 * Claims a slot for ARGV[1] in [ARGV[2], ARGV[3]]. A holder that already has a slot gets the same one back (a create
 * retried after a crash converges); otherwise the lowest free slot. A full range answers with every slot's holder.
 */
export const CLAIM_SCRIPT = `
local registry, holder = KEYS[1], ARGV[1]
local first, last = tonumber(ARGV[2]), tonumber(ARGV[3])
local held = redis.call('HGETALL', registry)
for i = 1, #held, 2 do
  if held[i + 1] == holder then
    return cjson.encode({ slot = tonumber(held[i]), claimed = false })
  end
end
for slot = first, last do
  if redis.call('HSETNX', registry, tostring(slot), holder) == 1 then
    return cjson.encode({ slot = slot, claimed = true })
  end
end
local holders = {}
for slot = first, last do
  holders[tostring(slot)] = redis.call('HGET', registry, tostring(slot))
end
return cjson.encode({ full = true, holders = holders })
`;

/**
 * Flushes and releases slot ARGV[1] if ARGV[2] still holds it — in one step, so a slot is never flushed after someone
 * else took it, and never handed out again before it is empty. SELECT inside a script affects only the script.
 */
export const RELEASE_SCRIPT = `
local registry, slot, holder = KEYS[1], ARGV[1], ARGV[2]
local current = redis.call('HGET', registry, slot)
if current ~= holder then
  return cjson.encode({ released = false, holder = current or cjson.null })
end
redis.call('SELECT', tonumber(slot))
local keys = redis.call('DBSIZE')
redis.call('FLUSHDB')
redis.call('SELECT', 0)
redis.call('HDEL', registry, slot)
return cjson.encode({ released = true, flushed = keys })
`;

/** Who holds slot ARGV[1] and how many keys it has. */
export const LOOKUP_SCRIPT = `
local registry, slot = KEYS[1], ARGV[1]
local current = redis.call('HGET', registry, slot)
redis.call('SELECT', tonumber(slot))
local keys = redis.call('DBSIZE')
redis.call('SELECT', 0)
return cjson.encode({ holder = current or cjson.null, keys = keys })
`;

export type ClaimReply = { slot: number; claimed: boolean } | { full: true; holders: Record<string, string> };
export type ReleaseReply = { released: true; flushed: number } | { released: false; holder: string | null };
export interface LookupReply {
  holder: string | null;
  keys: number;
}

/**
 * One redis-cli input line: every argument double-quoted with redis-cli's escapes, so scripts with quotes and
 * newlines travel as data (redis-cli splits stdin lines as Redis's sdssplitargs does).
 */
export function redisCliLine(args: readonly string[]): string {
  return args.map(quoteRedisArg).join(" ");
}

function quoteRedisArg(arg: string): string {
  let quoted = '"';
  for (const byte of Buffer.from(arg, "utf8")) {
    const c = String.fromCharCode(byte);
    if (c === '"' || c === "\\") quoted += `\\${c}`;
    else if (c === "\n") quoted += "\\n";
    else if (c === "\r") quoted += "\\r";
    else if (c === "\t") quoted += "\\t";
    else if (byte >= 0x20 && byte < 0x7f) quoted += c;
    else quoted += `\\x${byte.toString(16).padStart(2, "0")}`;
  }
  return `${quoted}"`;
}

/** `EVAL <script> 1 <registry> <args…>` as a redis-cli line. */
export function evalLine(script: string, registry: string, args: readonly (string | number)[]): string {
  return redisCliLine(["EVAL", script, "1", registry, ...args.map(String)]);
}

/**
 * The JSON reply of a script from redis-cli's output: the last line that is a JSON object. Anything else redis-cli
 * printed (an auth warning, an error) becomes the error's text.
 */
export function scriptReply<T>(output: string, what: string): T {
  const lines = output.split("\n").map((l) => l.trim()).filter((l) => l !== "");
  const json = [...lines].reverse().find((l) => l.startsWith("{") && l.endsWith("}"));
  if (json === undefined) {
    const error = lines.find((l) => /^(\(error\) )?(ERR|NOAUTH|WRONGPASS|NOSCRIPT|BUSY|LOADING)\b/.test(l)) ?? lines.at(-1) ?? "no output";
    throw new Error(`${what}: Redis answered ${JSON.stringify(error)}`);
  }
  return JSON.parse(json) as T;
}

/** The error a full range gives: the range and who holds each slot, so an operator knows which stack to destroy. */
export function fullRangeMessage(range: { first: number; last: number }, holders: Record<string, string>, holder: string): string {
  const list = Object.entries(holders)
    .sort(([a], [b]) => Number(a) - Number(b))
    .map(([slot, who]) => `${slot}: ${who}`)
    .join(", ");
  return (
    `no free Redis slot for ${holder}: every slot in the range ${range.first}-${range.last} is taken (${list}). ` +
    "Destroy a preview that is no longer needed, or widen restant:redis.claimRange (and the shared Redis's databases) in the platform stack."
  );
}
