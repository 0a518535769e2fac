import type { Client, ClientChannel } from "ssh2";
import { commandLineFor, isShellLogin } from "./command-line";
import { dokkuErrorFromResult } from "./errors/from-result";
import { dokkuSshError } from "./errors/ssh-errors";
import { DokkuCommand, DokkuResult, DokkuSshOptions } from "./ssh-options";

const DEFAULT_COMMAND_TIMEOUT_MS = 300_000;

/**
 * One SSH connection to a Dokku server, open for one provider operation. Every command gets its own channel (Dokku's
 * forced command runs one command per exec), so commands given together run at the same time: one round trip of
 * latency, not one per command. Made by openDokkuSession(); close() it when the operation ends.
 */
export class DokkuSession {
  private closed = false;
  private dropped: Error | undefined;

  constructor(
    private readonly client: Client,
    private readonly options: DokkuSshOptions,
  ) {
    client.on("close", () => {
      if (!this.closed) this.dropped = dokkuSshError("dropped", `the SSH connection to ${this.where()} dropped`);
      this.closed = true;
    });
  }

  /** Runs `dokku <args>`; resolves with its output on exit 0, rejects with a typed DokkuCommandError otherwise. */
  run(args: readonly string[], options: Omit<DokkuCommand, "args"> = {}): Promise<DokkuResult> {
    return this.exec({ ...options, args });
  }

  /**
   * Runs the commands concurrently on parallel channels and resolves with their results in order. Waits for all of
   * them before rejecting with the first failure, so no channel outlives the call.
   */
  async runAll(commands: readonly DokkuCommand[]): Promise<DokkuResult[]> {
    const settled = await Promise.allSettled(commands.map((command) => this.exec(command)));
    const failure = settled.find((result): result is PromiseRejectedResult => result.status === "rejected");
    if (failure) throw failure.reason;
    return settled.map((result) => (result as PromiseFulfilledResult<DokkuResult>).value);
  }

  /** Ends the connection; safe to call twice. */
  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.closed = true;
    return new Promise((resolve) => {
      this.client.once("close", () => resolve());
      this.client.end();
    });
  }

  private exec(command: DokkuCommand): Promise<DokkuResult> {
    const subcommand = command.args[0] ?? "";
    let line: string;
    try {
      line = commandLineFor(command.args, this.options.user);
    } catch (error) {
      return Promise.reject(error);
    }
    if (this.closed) {
      return Promise.reject(this.dropped ?? dokkuSshError("dropped", `the SSH session to ${this.where()} is closed`));
    }
    return new Promise<DokkuResult>((resolve, reject) => {
      this.client.exec(line, (error, channel) => {
        if (error) {
          reject(dokkuSshError("dropped", `could not open a channel on ${this.where()} for dokku ${subcommand}: ${error.message}`));
          return;
        }
        this.collect(channel, subcommand, command).then(resolve, reject);
      });
    });
  }

  private collect(channel: ClientChannel, subcommand: string, command: DokkuCommand): Promise<DokkuResult> {
    const timeoutMs = this.options.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS;
    return new Promise((resolve, reject) => {
      const stdout: Buffer[] = [];
      const stderr: Buffer[] = [];
      let exitCode: number | undefined;
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        channel.close();
      }, timeoutMs);
      channel.on("data", (chunk: Buffer) => stdout.push(chunk));
      channel.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));
      channel.on("exit", (code: number | null) => {
        exitCode = code ?? undefined;
      });
      channel.on("close", () => {
        clearTimeout(timer);
        const result = {
          stdout: Buffer.concat(stdout).toString("utf8"),
          stderr: Buffer.concat(stderr).toString("utf8"),
          exitCode: exitCode ?? -1,
        };
        if (timedOut) {
          reject(dokkuSshError("timeout", `dokku ${subcommand} on ${this.where()} did not finish within ${timeoutMs} ms`));
        } else if (exitCode === undefined) {
          reject(this.dropped ?? dokkuSshError("dropped", `dokku ${subcommand} on ${this.where()} ended without an exit status`));
        } else if (exitCode !== 0) {
          reject(dokkuErrorFromResult(subcommand, exitCode, result.stderr, command.redact, isShellLogin(this.options.user) ? "shell" : "dokku"));
        } else {
          resolve(result);
        }
      });
      channel.end(command.stdin ?? "");
    });
  }

  private where(): string {
    return `${this.options.host}:${this.options.port}`;
  }
}
