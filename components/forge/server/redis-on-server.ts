import type { DokkuRunner } from "../../dokku/client/dokku-runner";
import type { RedisCli, SlotRange } from "../../dokku/redis/redis-slot-operations";

/**
 * The Redis of a Forge server (the server's own, on 127.0.0.1, no password) through `redis-cli` run by the `forge`
 * user's shell, reading the line on stdin, so the slot scripts and names travel as data (redis-slot-script.ts).
 */
export function forgeRedisCli(shell: DokkuRunner, port: number): RedisCli {
  return async (line) => {
    // redis-cli reports a refused connection on stderr and still exits 0: its words must reach the error.
    const { stdout, stderr } = await shell.run(["redis-cli", "-h", "127.0.0.1", "-p", String(port)], { stdin: `${line}\n` });
    return stdout.trim() === "" ? stderr : stdout;
  };
}

/**
 * How many logical databases `CONFIG GET databases` says the Redis has (redis.conf's `databases` line), from
 * redis-cli's reply: the two lines `databases` and the number. Anything else is an error that says what Redis
 * answered, and plainly when CONFIG is renamed or refused.
 */
export function parseDatabaseCount(reply: string, where: string): number {
  const [name, count] = reply.trim().split("\n").map((line) => line.trim());
  if (name === "databases" && count !== undefined && /^\d+$/.test(count)) return Number(count);
  const answered = JSON.stringify(reply.trim().slice(0, 200));
  const why = /unknown command|NOPERM|no permissions/i.test(reply)
    ? "CONFIG is renamed or disabled there (a rename-command CONFIG line in redis.conf, or an ACL that denies config|get): " +
      "allow CONFIG GET for the connection the forge user's redis-cli makes, so the slot range can be checked"
    : "is Redis running there on that port (restant:forge.previews.redisPort)?";
  throw new Error(
    `could not read how many databases ${where} has, which restant:redis.claimRange must stay below: CONFIG GET databases answered ${answered}; ${why}`,
  );
}

/**
 * Refuses a slot range that reaches past the Redis's databases before any slot is handed out: a slot of `databases`
 * or above would be claimed, then the app's SELECT of it fails, and so does the release's, so the stack could never
 * be destroyed. Forge installs Redis with redis.conf's stock `databases 16`.
 */
export async function refuseRangeBeyondDatabases(cli: RedisCli, range: SlotRange, where: string): Promise<void> {
  const databases = parseDatabaseCount(await cli("CONFIG GET databases"), where);
  if (range.last < databases) return;
  throw new Error(
    `restant:redis.claimRange ends at ${range.last}, but ${where} has ${databases} databases (0-${databases - 1}, redis.conf's ` +
      `"databases ${databases}" line): a slot from ${databases} up would be handed out and fail when the app or its release SELECTs it. ` +
      `Set restant:redis.claimRange.last to at most ${databases - 1} (and restant:previewLimit to fit the range), or raise the ` +
      "databases line in the previews' server's redis.conf and restart its Redis (docs/forge.md)",
  );
}
