#!/usr/bin/env node
import { statSync } from "node:fs";
import * as os from "node:os";
import { processConsole } from "./cli/console";
import type { CommandStdin } from "./commands/context";
import { argvFromSshOriginalCommand } from "./forced-command";
import { runDokku } from "./run";

/**
 * The `dokku` command of the double: `node build/test/doubles/dokku/dokku.js <subcommand> <args…>` with the state
 * folder in DOKKU_DOUBLE_STATE. Like the real `dokku` script, a command run as root switches to the state's owner
 * (the real one does `sudo -u dokku`) and records who ran it; run as sshcommand's forced command, it takes its
 * arguments from SSH_ORIGINAL_COMMAND and ignores the ones the shell passed.
 */
export async function main(argv: string[]): Promise<number> {
  const stateDir = process.env.DOKKU_DOUBLE_STATE;
  if (!stateDir) {
    process.stderr.write(" !     DOKKU_DOUBLE_STATE is not set: the Dokku double does not know where its state is\n");
    return 1;
  }
  const user = os.userInfo().username;
  switchToOwnerOf(stateDir);
  const sshOriginalCommand = process.env.SSH_ORIGINAL_COMMAND;
  if (sshOriginalCommand !== undefined) {
    delete process.env.SSH_ORIGINAL_COMMAND;
    const split = argvFromSshOriginalCommand(sshOriginalCommand);
    process.stderr.write(split.stderr);
    argv = split.argv;
  }
  return runDokku(argv, {
    stateDir,
    console: processConsole(),
    stdin: processStdin(),
    env: process.env,
    user,
  });
}

function switchToOwnerOf(dir: string): void {
  if (process.getuid?.() !== 0) return;
  const owner = statSync(dir);
  if (owner.uid === 0) return;
  process.setgid?.(owner.gid);
  process.setuid?.(owner.uid);
}

/** The process's stdin, read once to its end (nothing from a terminal); every caller gets the same bytes. */
function processStdin(): CommandStdin {
  let all: Promise<Buffer> | undefined;
  const bytes = () =>
    (all ??= new Promise((resolve, reject) => {
      if (process.stdin.isTTY) return resolve(Buffer.alloc(0));
      const chunks: Buffer[] = [];
      process.stdin.on("data", (chunk: Buffer) => chunks.push(chunk));
      process.stdin.on("end", () => resolve(Buffer.concat(chunks)));
      process.stdin.on("error", reject);
    }));
  return { bytes, text: async () => (await bytes()).toString("utf8"), isTerminal: process.stdin.isTTY === true };
}

/** Sets the exit code once stdout and stderr are flushed (process.exit would cut piped output short). */
export function finish(code: Promise<number>): void {
  code.then(
    (exitCode) => {
      process.exitCode = exitCode;
      process.stdin.destroy();
    },
    (error: unknown) => {
      process.stderr.write(` !     ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
      process.stdin.destroy();
    },
  );
}

if (require.main === module) finish(main(process.argv.slice(2)));
