import { Client } from "ssh2";
import { DokkuServer } from "./dokku-server";

/** One command's outcome over SSH. */
export interface SshExecResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * An ssh2 connection to the Dokku test server as "dokku" (the forced command) or "root", pinning the server's host
 * key (or `hostKey`, to prove a wrong one is refused); `port` lets a test go through the latency proxy.
 */
export function connectToDokku(
  server: DokkuServer,
  user: "dokku" | "root",
  options: { port?: number; hostKey?: string } = {},
): Promise<Client> {
  const expected = (options.hostKey ?? server.hostKey).split(" ")[1];
  return new Promise((resolve, reject) => {
    const client = new Client();
    client.once("ready", () => resolve(client));
    client.once("error", reject);
    client.connect({
      host: server.host,
      port: options.port ?? server.port,
      username: user,
      privateKey: server.privateKey,
      hostVerifier: (key: Buffer) => key.toString("base64") === expected,
      readyTimeout: 10_000,
    });
  });
}

/** Runs one command on its own channel, sends `stdin` (or nothing) and EOF, and collects its output. */
export function execOverSsh(client: Client, command: string, stdin?: string): Promise<SshExecResult> {
  return new Promise((resolve, reject) => {
    client.exec(command, (error, stream) => {
      if (error) return reject(error);
      let stdout = "";
      let stderr = "";
      stream.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")));
      stream.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
      stream.on("close", (code: number | null) => resolve({ code: code ?? -1, stdout, stderr }));
      stream.end(stdin ?? "");
    });
  });
}
