import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";

/** The test Redis server test/services/start.sh started, and its admin password (read from its file). */
export interface RedisServer {
  host: string;
  port: string;
  password: string;
}

export function testRedis(env: NodeJS.ProcessEnv = process.env): RedisServer | undefined {
  const { RESTANT_TEST_REDIS_HOST, RESTANT_TEST_REDIS_PORT, RESTANT_TEST_REDIS_PASSWORD_FILE } = env;
  if (!RESTANT_TEST_REDIS_PORT || !RESTANT_TEST_REDIS_PASSWORD_FILE) return undefined;
  return {
    host: RESTANT_TEST_REDIS_HOST ?? "127.0.0.1",
    port: RESTANT_TEST_REDIS_PORT,
    password: readFileSync(RESTANT_TEST_REDIS_PASSWORD_FILE, "utf8").trim(),
  };
}

/**
 * Runs redis-cli as admin with the commands on stdin and the password in REDISCLI_AUTH, so neither a service password
 * nor the admin's ever shows on a command line.
 */
export function redisAdmin(server: RedisServer, commands: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn("redis-cli", ["-h", server.host, "-p", server.port], {
      env: { ...process.env, REDISCLI_AUTH: server.password },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString("utf8")));
    child.stderr.on("data", (chunk: Buffer) => (err += chunk.toString("utf8")));
    child.once("error", reject);
    child.once("close", (code) => {
      if (code !== 0 || /^(ERR|WRONGPASS|NOAUTH)/m.test(out)) reject(new Error(`redis-cli failed: ${(err || out).trim()}`));
      else resolve(out);
    });
    child.stdin.end(commands);
  });
}
