import { spawn } from "node:child_process";
import * as os from "node:os";
import * as path from "node:path";
import { capturingConsole } from "./cli/console";
import { runDokku } from "./run";

// The two ways a test runs one command of the double without sshd.

/** What one dokku command printed and how it exited. */
export interface DokkuRun {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunCommandOptions {
  /** The double's state folder (DOKKU_DOUBLE_STATE). */
  stateDir: string;
  /** What is piped to the command. Default: nothing. */
  stdin?: string | Buffer;
  /** Variables the command sees besides PATH and DOKKU_DOUBLE_STATE. */
  env?: NodeJS.ProcessEnv;
}

/**
 * In the calling process: the same runDokku the `dokku` executable runs, on the same state folder, with stdin given
 * and its output kept. No process per command, so tests of the double's rules take milliseconds.
 */
export async function runDokkuInProcess(argv: string[], options: RunCommandOptions): Promise<DokkuRun> {
  const console = capturingConsole();
  const input = typeof options.stdin === "string" ? Buffer.from(options.stdin, "utf8") : (options.stdin ?? Buffer.alloc(0));
  let code: number;
  try {
    code = await runDokku(argv, {
      stateDir: options.stateDir,
      console,
      stdin: { bytes: async () => input, text: async () => input.toString("utf8"), isTerminal: false },
      env: { PATH: process.env.PATH, DOKKU_DOUBLE_STATE: options.stateDir, ...options.env },
      user: os.userInfo().username,
    });
  } catch (error) {
    // What the executable's finish() prints for an error no command turned into a DokkuFailure.
    console.warn(error instanceof Error ? error.message : String(error));
    code = 1;
  }
  return { code, stdout: console.stdout(), stderr: console.stderr() };
}

/**
 * As a process: `node <built dokku.js> <args>`, exactly as sshd runs it on the test server, for what only the
 * executable does (the forced command's split of SSH_ORIGINAL_COMMAND, stdio, writers in separate processes).
 * `executable` is the tsc output of test/doubles/dokku/dokku.ts; `cwd` where it runs.
 */
export function runDokkuExecutable(executable: string, argv: string[], options: RunCommandOptions & { cwd: string }): Promise<DokkuRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.resolve(executable), ...argv], {
      cwd: options.cwd,
      env: { PATH: process.env.PATH, DOKKU_DOUBLE_STATE: options.stateDir, ...options.env },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(options.stdin ?? "");
  });
}
