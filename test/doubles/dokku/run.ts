import { DokkuFailure } from "./cli/failure";
import { Console } from "./cli/console";
import { isRealDokkuCommand } from "./cli/real-namespaces";
import type { CommandStdin } from "./commands/context";
import { commands } from "./commands/registry";
import { CommandLog } from "./state/command-log";
import { faultsOf } from "./state/faults";
import { StateStore } from "./state/store";

export const DOKKU_VERSION = "0.38.27";

export interface RunOptions {
  stateDir: string;
  console: Console;
  stdin: CommandStdin;
  env: NodeJS.ProcessEnv;
  /** Who runs the command, as Dokku's SSH_USER: "dokku" behind the forced command, "root" from a shell. */
  user: string;
}

/**
 * Runs one dokku command against the state in `stateDir` and returns its exit code. Every command, known or not, is
 * appended to the command log with its exit code.
 */
export async function runDokku(argv: string[], options: RunOptions): Promise<number> {
  const startedAt = Date.now();
  const exitCode = await execute(argv, options);
  new CommandLog(options.stateDir).append({
    argv,
    exitCode,
    user: options.user,
    startedAt,
    durationMs: Date.now() - startedAt,
  });
  return exitCode;
}

async function execute(argv: string[], options: RunOptions): Promise<number> {
  // The leading flags are stripped before the subcommand, as the `dokku` script does…
  const args = [...argv];
  let appFlag: string | undefined;
  while (args.length > 0 && args[0].startsWith("--") && args[0] !== "--version") {
    const flag = args.shift() as string;
    if (flag === "--app") appFlag = args.shift();
  }
  const [name = "", ...rest] = args;
  if (name === "version" || name === "--version" || name === "-v") {
    options.console.log(`dokku version ${DOKKU_VERSION}`);
    return 0;
  }
  if (name === "" || name === "help") {
    // Dokku prints its usage header only on a TTY (dokku_log_quiet); over SSH the list of commands remains.
    for (const command of Object.keys(commands).sort()) options.console.log(`    ${command}`);
    return 0;
  }
  const handler = Object.prototype.hasOwnProperty.call(commands, name) ? commands[name] : undefined;
  if (!handler && isRealDokkuCommand(name)) {
    options.console.warn(`The Dokku double does not implement \`${name}\` (Dokku has it): add it under test/doubles/dokku`);
    return 1;
  }
  if (!handler) {
    options.console.warn(`\`${args.join(" ")}\` is not a dokku command.`);
    options.console.warn("See `dokku help` for a list of available commands.");
    return 1;
  }
  const refused = await injectedFailure(name, options);
  if (refused !== undefined) return refused;
  // …but its parse_args collects every `--flag` anywhere on the line into DOKKU_GLOBAL_FLAGS, and `--force` anywhere
  // sets DOKKU_APPS_FORCE_DELETE: `mysql:unlink svc app --no-restart` spares the restart through that.
  const globalFlags = argv.filter((arg) => arg.startsWith("--"));
  const env: NodeJS.ProcessEnv = { ...options.env, DOKKU_GLOBAL_FLAGS: globalFlags.join(" ") };
  if (globalFlags.includes("--force")) env.DOKKU_APPS_FORCE_DELETE = "1";
  try {
    await handler({
      name,
      args: appFlag === undefined ? rest : [appFlag, ...rest],
      store: new StateStore(options.stateDir),
      console: options.console,
      stdin: options.stdin,
      env,
    });
    return 0;
  } catch (error) {
    if (error instanceof DokkuFailure) {
      options.console.writeError(error.stderrText());
      return error.exitCode;
    }
    throw error;
  }
}

/** Injected "hang" (sleep first) and "fail" (refuse, a number of times) faults for this subcommand. */
async function injectedFailure(name: string, options: RunOptions): Promise<number | undefined> {
  const store = new StateStore(options.stateDir);
  const faults = store.read().faults;
  for (const hang of faultsOf(faults, "hang").filter((fault) => fault.command === name)) {
    await new Promise((resolve) => setTimeout(resolve, hang.ms));
  }
  if (!faultsOf(faults, "fail").some((fault) => fault.command === name)) return undefined;
  return store.update((state) => {
    const fail = faultsOf(state.faults, "fail").find((fault) => fault.command === name);
    if (!fail) return undefined;
    if (fail.times !== undefined && --fail.times <= 0) state.faults = state.faults?.filter((fault) => fault !== fail);
    options.console.warn(fail.message ?? "Injected failure");
    return fail.exitCode ?? 1;
  });
}
