import type { DokkuRunner } from "../../dokku/client/dokku-runner";
import type { RedisCli } from "../../dokku/redis/redis-slot-operations";

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
