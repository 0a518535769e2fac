import { ChildProcess, execFileSync, spawn } from "node:child_process";
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { CommandLog } from "../doubles/dokku/state/command-log";
import { DokkuFault } from "../doubles/dokku/state/faults";
import { StateStore } from "../doubles/dokku/state/store";
import { projectRoot } from "./built";
import { freeLoopbackPort, waitForBanner } from "./free-port";
import { dropDoubleDatabases } from "./double-databases";
import { doubleProcesses, killDoubleCommands } from "./double-processes";

/** A Dokku server for tests: a real OpenSSH sshd on loopback in front of the Dokku double. */
export interface DokkuServer {
  /** Always "127.0.0.1". */
  host: string;
  /** sshd's port, a free loopback port. */
  port: number;
  /** The server's public host key, "ssh-ed25519 AAAA…" without a comment, to pin. */
  hostKey: string;
  /** OpenSSH private key text authorised for "dokku" (Dokku's forced command) and "root" (a shell, `dokku` on PATH). */
  privateKey: string;
  /** The double's state folder (DOKKU_DOUBLE_STATE). */
  stateDir: string;
  /** The server's $DOKKU_ROOT (apps' files, e.g. `<app>/tls/server.crt`), set for the double and for root's shell. */
  dokkuRoot: string;
  /** With `forgeUser`: the `forge` user's MySQL option file (its ~/.my.cnf on a Forge server), for tests that break its login. */
  forgeMysqlOptionFile?: string;
  /** Every command the double ran, in order. */
  commands(): { argv: string[]; exitCode: number; user: string }[];
  /** How many times the app restarted since the start or the last resetCounters(). */
  restarts(app: string): number;
  /** Forgets the commands and restarts counted so far. */
  resetCounters(): void;
  /** Runs the double directly, as an admin on the server would (drift tests); recorded with user "root". */
  operator(args: string[], stdin?: string): Promise<{ code: number; stdout: string; stderr: string }>;
  /** Says what the code at a repository URL holds (its Procfile's process types), for the double's builds to use. */
  describeRepository(url: string, content: { procfile?: string[] }): void;
  /** Makes the double fail as real servers do (see DokkuFault); faults stay until clearFaults(). */
  injectFault(fault: DokkuFault): void;
  clearFaults(): void;
  /** SIGKILLs the double's `dokku <subcommand>` processes running now, as a crash on the server would; how many. */
  killCommands(subcommand: string): number;
  /** How many of the double's `dokku <subcommand>` processes are running now; without one, every process of the double (commands and the clients they started). */
  processesRunning(subcommand?: string): number;
  /** Stops sshd, drops the double's MariaDB databases and removes the temporary folder. */
  stop(): Promise<void>;
}

export type { DokkuFault };

const SSHD = "/usr/sbin/sshd";
const DOKKU_USER = "dokku";
/** The user Laravel Forge makes on its servers: a plain shell. */
const FORGE_USER = "forge";

/** Environment the double needs on the server: its state, and where the test MariaDB and Redis listen. */
const FORWARDED_ENV = /^RESTANT_TEST_/;

/**
 * Starts sshd (its own config, host key and authorized_keys in a temporary folder) with the `dokku` user's key bound
 * to a forced command exactly as Dokku's sshcommand writes it, and an empty double state. Needs root (it runs sshd and
 * creates the `dokku` system user when absent) and OpenSSH from test/services/start.sh.
 */
/**
 * `forgeUser`: also let the client key in as `forge`, a plain shell user as on a Laravel Forge server, whose `mysql`,
 * `mysqldump` and `redis-cli` reach the test MariaDB (an option file in MYSQL_HOME, as Forge's user has ~/.my.cnf) and
 * the test Redis (REDISCLI_AUTH: the test Redis has a password, a Forge server's has none), set for that user only.
 */
export async function startDokkuServer(options: { forgeUser?: boolean } = {}): Promise<DokkuServer> {
  if (!existsSync(SSHD) || !existsSync("/usr/bin/ssh-keygen")) {
    throw new Error("OpenSSH server is not installed: run the tests through test/services/start.sh, which installs it");
  }
  if (process.getuid?.() !== 0) throw new Error("the Dokku test server runs sshd and needs root");
  const doubleEntry = path.join(projectRoot, "build", "test", "doubles", "dokku", "dokku.js");
  if (!existsSync(doubleEntry)) throw new Error(`${doubleEntry} is missing: run \`npm run build\` first`);

  const dokku = ensureDokkuUser();
  assertDokkuUserCanRun(doubleEntry);
  const dir = mkdtempSync(path.join(os.tmpdir(), "dokku-server-"));
  chmodSync(dir, 0o755);
  const stateDir = path.join(dir, "state");
  mkdirSync(stateDir, { mode: 0o700 });
  chownSync(stateDir, dokku.uid, dokku.gid);
  const dokkuRoot = path.join(dir, "dokku-root");
  mkdirSync(dokkuRoot, { mode: 0o755 });
  chownSync(dokkuRoot, dokku.uid, dokku.gid);

  const hostKeyFile = generateKey(path.join(dir, "ssh_host_ed25519_key"));
  const clientKeyFile = generateKey(path.join(dir, "client_ed25519_key"));
  const clientPublicKey = publicKeyOf(clientKeyFile);
  const wrapper = writeDokkuWrapper(dir, stateDir, dokkuRoot, doubleEntry);
  writeAuthorizedKeys(dir, clientKeyFile, clientPublicKey, wrapper);
  const forgeMysqlOptionFile = options.forgeUser ? writeForgeUser(dir, clientPublicKey) : undefined;
  mkdirSync("/run/sshd", { recursive: true, mode: 0o755 });

  const { sshd, port } = await startSshd(dir, hostKeyFile, dokkuRoot);
  // A test process that exits without stop() must not leave a listening sshd behind.
  const killOnExit = () => sshd.kill("SIGTERM");
  process.once("exit", killOnExit);
  const store = new StateStore(stateDir);
  const log = new CommandLog(stateDir);
  await store.update(() => undefined);

  return {
    host: "127.0.0.1",
    port,
    hostKey: publicKeyOf(hostKeyFile),
    privateKey: readFileSync(clientKeyFile, "utf8"),
    stateDir,
    dokkuRoot,
    ...(forgeMysqlOptionFile ? { forgeMysqlOptionFile } : {}),
    commands: () => log.all().map(({ argv, exitCode, user }) => ({ argv, exitCode, user })),
    restarts: (app) => store.read().restarts[app] ?? 0,
    resetCounters: () => {
      log.clear();
      store.updateSync((state) => {
        state.restarts = {};
      });
    },
    operator: (args, stdin) => runOperator(wrapper, args, stdin),
    describeRepository: (url, content) =>
      store.updateSync((state) => {
        state.repositories = { ...state.repositories, [url]: content };
      }),
    injectFault: (fault) =>
      store.updateSync((state) => {
        state.faults = [...(state.faults ?? []), fault];
      }),
    clearFaults: () =>
      store.updateSync((state) => {
        state.faults = [];
      }),
    killCommands: (subcommand) => killDoubleCommands(stateDir, subcommand),
    processesRunning: (subcommand) => doubleProcesses(stateDir, subcommand).length,
    stop: async () => {
      process.removeListener("exit", killOnExit);
      await stopProcess(sshd);
      await dropDoubleDatabases(store.read());
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The `dokku` system user Dokku's installer creates; a locked password ("!") would make sshd refuse it without PAM. */
function ensureDokkuUser(): { uid: number; gid: number } {
  return ensureSystemUser(DOKKU_USER);
}

function ensureSystemUser(user: string): { uid: number; gid: number } {
  const idOf = () => ({
    uid: Number(execFileSync("id", ["-u", user], { encoding: "utf8", stdio: "pipe" }).trim()),
    gid: Number(execFileSync("id", ["-g", user], { encoding: "utf8", stdio: "pipe" }).trim()),
  });
  try {
    return idOf();
  } catch {
    try {
      execFileSync("useradd", ["--system", "--create-home", "--shell", "/bin/bash", "--password", "*", user], {
        stdio: "pipe",
      });
    } catch (error) {
      // Another test process may have created it in the meantime (useradd exits 9); anything else is real.
      if ((error as { status?: number }).status !== 9) throw error;
    }
  }
  const shadow = readFileSync("/etc/shadow", "utf8")
    .split("\n")
    .find((line) => line.startsWith(`${user}:`));
  if (shadow?.split(":")[1].startsWith("!")) execFileSync("usermod", ["--password", "*", user]);
  return idOf();
}

/**
 * The `forge` user: the client key with no forced command (a shell), and the variables its clients read, through
 * authorized_keys `environment=` (sshd_config permits only these two names), so no other user sees them.
 */
function writeForgeUser(dir: string, publicKey: string): string {
  ensureSystemUser(FORGE_USER);
  const defaults = process.env.RESTANT_TEST_MYSQL_DEFAULTS_FILE;
  const passwordFile = process.env.RESTANT_TEST_REDIS_PASSWORD_FILE;
  if (!defaults || !passwordFile) throw new Error("the forge user needs the test MariaDB and Redis: run the tests through test/services/start.sh");
  const mysqlHome = path.join(dir, "forge-mysql");
  mkdirSync(mysqlHome, { mode: 0o755 });
  writeFileSync(path.join(mysqlHome, "my.cnf"), readFileSync(defaults, "utf8"), { mode: 0o644 });
  const redisPassword = readFileSync(passwordFile, "utf8").trim();
  const environment = `environment="MYSQL_HOME=${mysqlHome}",environment="REDISCLI_AUTH=${redisPassword}"`;
  writeFileSync(path.join(dir, "authorized_keys", FORGE_USER), `${environment},no-agent-forwarding,no-X11-forwarding,no-port-forwarding ${publicKey}\n`, { mode: 0o644 });
  return path.join(mysqlHome, "my.cnf");
}

/** sshd runs the double as the dokku user: Node (e.g. under /root/.nvm) and the project must be reachable by it. */
function assertDokkuUserCanRun(doubleEntry: string): void {
  for (const [test, file] of [["-x", process.execPath], ["-r", doubleEntry]] as const) {
    try {
      execFileSync("runuser", ["-u", DOKKU_USER, "--", "test", test, file], { stdio: "pipe" });
    } catch {
      throw new Error(`the ${DOKKU_USER} user cannot ${test === "-x" ? "run" : "read"} ${file}: install Node and the project where every user can read them`);
    }
  }
}

function generateKey(file: string): string {
  execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "", "-f", file], { stdio: "pipe" });
  return file;
}

/** "ssh-ed25519 AAAA…" without the comment. */
function publicKeyOf(privateKeyFile: string): string {
  return readFileSync(`${privateKeyFile}.pub`, "utf8").trim().split(/\s+/).slice(0, 2).join(" ");
}

/**
 * The server's `dokku` executable: the double under the Node running the tests, with its state folder and the test
 * services' addresses baked in (an SSH session starts with a clean environment).
 */
function writeDokkuWrapper(dir: string, stateDir: string, dokkuRoot: string, doubleEntry: string): string {
  const bin = path.join(dir, "bin");
  mkdirSync(bin, { mode: 0o755 });
  const exports = Object.entries(process.env)
    .filter(([name, value]) => FORWARDED_ENV.test(name) && value !== undefined)
    .map(([name, value]) => `export ${name}=${shellQuote(value as string)}`);
  const wrapper = path.join(bin, "dokku");
  const script = [
    "#!/bin/sh",
    `export DOKKU_DOUBLE_STATE=${shellQuote(stateDir)}`,
    `export DOKKU_ROOT=${shellQuote(dokkuRoot)}`,
    ...exports,
    `exec ${shellQuote(process.execPath)} ${shellQuote(doubleEntry)} "$@"`,
    "",
  ].join("\n");
  writeFileSync(wrapper, script, { mode: 0o755 });
  return wrapper;
}

/**
 * sshcommand's line for the dokku user (`sshcommand acl-add dokku admin`): the shell runs
 * `FINGERPRINT=… NAME="admin" $(cat ~dokku/.sshcommand) $SSH_ORIGINAL_COMMAND` and dokku reads SSH_ORIGINAL_COMMAND.
 * root gets the same key with no forced command: a shell with `dokku` on PATH.
 */
function writeAuthorizedKeys(dir: string, clientKeyFile: string, publicKey: string, wrapper: string): void {
  const keysDir = path.join(dir, "authorized_keys");
  mkdirSync(keysDir, { mode: 0o755 });
  const sshcommandFile = path.join(dir, "sshcommand");
  writeFileSync(sshcommandFile, `${wrapper}\n`, { mode: 0o644 });
  const fingerprint = execFileSync("ssh-keygen", ["-lf", `${clientKeyFile}.pub`], { encoding: "utf8" }).split(" ")[1];
  const options = "no-agent-forwarding,no-user-rc,no-X11-forwarding,no-port-forwarding";
  const forced = `command="FINGERPRINT=${fingerprint} NAME=\\"admin\\" \`cat ${sshcommandFile}\` $SSH_ORIGINAL_COMMAND",${options}`;
  writeFileSync(path.join(keysDir, DOKKU_USER), `${forced} ${publicKey}\n`, { mode: 0o644 });
  writeFileSync(path.join(keysDir, "root"), `${publicKey}\n`, { mode: 0o644 });
}

async function startSshd(dir: string, hostKeyFile: string, dokkuRoot: string): Promise<{ sshd: ChildProcess; port: number }> {
  for (let attempt = 1; ; attempt++) {
    const port = await freeLoopbackPort();
    const config = path.join(dir, "sshd_config");
    writeFileSync(config, sshdConfig(dir, hostKeyFile, port, dokkuRoot), { mode: 0o600 });
    const sshd = spawn(SSHD, ["-D", "-e", "-f", config], { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    sshd.stderr?.on("data", (chunk: Buffer) => (stderr = (stderr + chunk.toString("utf8")).slice(-4_000)));
    try {
      await waitForBanner(port, 10_000, () => sshd.exitCode === null && sshd.signalCode === null);
      return { sshd, port };
    } catch (error) {
      await stopProcess(sshd);
      if (attempt >= 3 || !/Address already in use/.test(stderr)) {
        throw new Error(`sshd did not start: ${(error as Error).message}\n${stderr}`);
      }
    }
  }
}

function sshdConfig(dir: string, hostKeyFile: string, port: number, dokkuRoot: string): string {
  return [
    `Port ${port}`,
    "ListenAddress 127.0.0.1",
    `HostKey ${hostKeyFile}`,
    `PidFile ${path.join(dir, "sshd.pid")}`,
    `AuthorizedKeysFile ${path.join(dir, "authorized_keys", "%u")}`,
    "AuthenticationMethods publickey",
    "PubkeyAuthentication yes",
    "PasswordAuthentication no",
    "KbdInteractiveAuthentication no",
    "PermitRootLogin prohibit-password",
    `AllowUsers ${DOKKU_USER} root ${FORGE_USER}`,
    // Only the forge user's authorized_keys sets any (the test MariaDB's option file, the test Redis's password).
    "PermitUserEnvironment MYSQL_HOME,REDISCLI_AUTH",
    // The temporary folder sits under the world-writable /tmp, which StrictModes would reject.
    "StrictModes no",
    "UsePAM no",
    "PrintMotd no",
    // Providers open one connection and run their reads on parallel channels.
    "MaxSessions 64",
    "MaxStartups 64:30:128",
    // DOKKU_ROOT as /etc/default/dokku would set it for root's scripts (this machine has no such file).
    `SetEnv PATH=${path.join(dir, "bin")}:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin DOKKU_ROOT=${dokkuRoot}`,
    "LogLevel ERROR",
    "",
  ].join("\n");
}

function runOperator(wrapper: string, args: string[], stdin?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(wrapper, args, { stdio: ["pipe", "pipe", "pipe"], env: { PATH: process.env.PATH ?? "" } });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));
    child.on("error", reject);
    child.on("close", (code) =>
      resolve({
        code: code ?? 1,
        stdout: Buffer.concat(stdout).toString("utf8"),
        stderr: Buffer.concat(stderr).toString("utf8"),
      }),
    );
    child.stdin.end(stdin ?? "");
  });
}

function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once("exit", () => resolve());
    child.kill("SIGTERM");
  });
}

function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}
