import { spawn } from "node:child_process";
import { DokkuFailure } from "../cli/failure";
import { testMariaDb } from "../services/mariadb";
import { testRedis } from "../services/redis-server";
import { DokkuState } from "../state/types";
import { CommandHandler } from "./context";

/**
 * mysql:connect / redis:connect: the plugin's client inside the service's container (`docker exec -i … mysql` /
 * `redis-cli`), here the real client against the test server, reading commands from stdin as it does without a TTY.
 * Its output and exit code are the client's own: an SQL error mid-script exits 1, as `mysql` does.
 */

function serviceOf<S>(services: Record<string, S>, name: string | undefined, label: string): S {
  if (!name) throw DokkuFailure.of("Please specify a valid name for the service");
  if (!Object.prototype.hasOwnProperty.call(services, name)) throw DokkuFailure.of(`${label} service ${name} does not exist`);
  return services[name];
}

function runClient(
  command: string,
  args: string[],
  input: string,
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number; stdout: Buffer; stderr: Buffer }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ["pipe", "pipe", "pipe"], env: { ...process.env, ...env, LANG: "C.UTF-8", LC_ALL: "C.UTF-8" } });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => out.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => err.push(chunk));
    child.stdin.on("error", () => undefined);
    child.once("error", reject);
    child.once("close", (code) => resolve({ code: code ?? 1, stdout: Buffer.concat(out), stderr: Buffer.concat(err) }));
    child.stdin.end(input);
  });
}

async function relay(context: Parameters<CommandHandler>[0], command: string, args: string[], env?: NodeJS.ProcessEnv): Promise<void> {
  const result = await runClient(command, args, await context.stdin.text(), env);
  context.console.write(result.stdout);
  if (result.stderr.length > 0) context.console.writeError(result.stderr);
  if (result.code !== 0) throw new DokkuFailure([], result.code);
}

/** mysql:connect service — `mysql --database=<db>` as the service's user; SQL from stdin. */
const mysqlConnect: CommandHandler = async (context) => {
  const service = serviceOf((context.store.read() as DokkuState).mysql, context.args[0], "MySQL");
  const server = testMariaDb(context.env);
  if (!server) throw DokkuFailure.of("The Dokku double's mysql services need the test MariaDB: run through test/services/start.sh");
  // The admin option file keeps every password off the command line; the database is the service's own.
  await relay(context, "mysql", [`--defaults-extra-file=${server.defaultsFile}`, "--default-character-set=utf8mb4", `--database=${service.database}`]);
};

/** redis:connect service — `redis-cli` on the shared test Redis; commands from stdin, one a line. */
const redisConnect: CommandHandler = async (context) => {
  const service = serviceOf((context.store.read() as DokkuState).redis, context.args[0], "Redis");
  const port = context.env.RESTANT_TEST_REDIS_PORT;
  if (!port) throw DokkuFailure.of("The Dokku double's redis services need the test Redis: run through test/services/start.sh");
  // The test Redis requires a password: the service's own, passed in the environment as the plugin's client gets it.
  await relay(context, "redis-cli", ["-h", context.env.RESTANT_TEST_REDIS_HOST ?? "127.0.0.1", "-p", port], { REDISCLI_AUTH: service.password });
};

export const connectCommands: Record<string, CommandHandler> = {
  "mysql:connect": mysqlConnect,
  "redis:connect": redisConnect,
};
