import { readdirSync, readFileSync } from "node:fs";

/**
 * The processes one Dokku test server's double is running: the `dokku` commands sshd started for it, and what they
 * started (redis-cli, mysql). Found by their environment (DOKKU_DOUBLE_STATE is that server's own state folder), so
 * only this server's processes are ever seen or killed, never another test's. Linux only (/proc).
 */

interface DoubleProcess {
  pid: number;
  /** The command line the SSH client sent (SSH_ORIGINAL_COMMAND), for a `dokku` command itself; undefined for its children. */
  sshCommand: string | undefined;
}

/** This server's processes; with `subcommand`, only its `dokku <subcommand>` commands. */
export function doubleProcesses(stateDir: string, subcommand?: string): DoubleProcess[] {
  const found: DoubleProcess[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    let environment: string[];
    try {
      environment = readFileSync(`/proc/${entry}/environ`, "utf8").split("\0");
    } catch {
      continue; // ended meanwhile, or not readable
    }
    if (!environment.includes(`DOKKU_DOUBLE_STATE=${stateDir}`)) continue;
    const sshCommand = environment.find((variable) => variable.startsWith("SSH_ORIGINAL_COMMAND="))?.slice("SSH_ORIGINAL_COMMAND=".length);
    if (subcommand === undefined || sshCommand?.trim().split(/\s+/)[0] === subcommand) found.push({ pid: Number(entry), sshCommand });
  }
  return found;
}

/**
 * SIGKILLs this server's `dokku <subcommand>` processes running now, as a server-side crash would: what they started
 * already (a redis-cli given its input) runs on. Answers how many were killed.
 */
export function killDoubleCommands(stateDir: string, subcommand: string): number {
  let killed = 0;
  for (const { pid } of doubleProcesses(stateDir, subcommand)) {
    try {
      process.kill(pid, "SIGKILL");
      killed++;
    } catch {
      // ended meanwhile
    }
  }
  return killed;
}
