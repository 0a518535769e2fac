import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { freeLoopbackPort } from "./free-port";

/**
 * A Redis of its own for one test file, beside the one test/services/start.sh runs: set up as a Forge server's would
 * be (its `databases` line), with the test Redis's password, so the `forge` user of the test sshd (REDISCLI_AUTH)
 * reaches it as it reaches that one. Stopped by `stop()`; nothing of it outlives the file.
 */
export interface ExtraRedis {
  port: number;
  /** redis-cli straight at it as the admin, a check independent of the code under test. */
  cli(...args: string[]): string;
  stop(): Promise<void>;
}

export async function startExtraRedis(options: { databases: number }): Promise<ExtraRedis> {
  const passwordFile = process.env.RESTANT_TEST_REDIS_PASSWORD_FILE;
  if (!passwordFile) throw new Error("run through test/services/start.sh: the extra Redis takes the test Redis's password");
  const password = readFileSync(passwordFile, "utf8").trim();
  const dir = mkdtempSync(path.join(tmpdir(), "restant-redis-"));
  // The password in a file of mode 600, never on a command line.
  writeFileSync(path.join(dir, "redis.conf"), `requirepass ${password}\ndatabases ${options.databases}\n`, { mode: 0o600 });
  const port = await freeLoopbackPort();
  const child: ChildProcess = spawn(
    "redis-server",
    [path.join(dir, "redis.conf"), "--port", String(port), "--bind", "127.0.0.1", "--dir", dir, "--save", "", "--appendonly", "no", "--logfile", path.join(dir, "redis.log")],
    { stdio: "ignore" },
  );
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const cli = (...args: string[]) =>
    execFileSync("redis-cli", ["-h", "127.0.0.1", "-p", String(port), ...args], { encoding: "utf8", env: { ...process.env, REDISCLI_AUTH: password } }).trim();
  const stop = async () => {
    if (child.exitCode === null) child.kill("SIGTERM");
    await exited;
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) {
      const log = readFileSync(path.join(dir, "redis.log"), "utf8");
      await stop();
      throw new Error(`the extra Redis exited before answering: ${log}`);
    }
    const answer = (() => {
      try {
        return cli("PING");
      } catch {
        return "";
      }
    })();
    if (answer === "PONG") return { port, cli, stop };
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`the extra Redis on 127.0.0.1:${port} did not answer within 10 s`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
