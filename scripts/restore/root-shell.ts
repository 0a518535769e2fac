import type { Client } from "ssh2";
import { dokkuPrivateKeyFromEnv } from "../../components/dokku/client";
import { parseHostKey } from "../../components/dokku/client/host-key";

export interface ShellResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs a script as root on the Dokku server (`sh -s`, the script on stdin), the host key pinned, the key from
 * DOKKU_SSH_PRIVATE_KEY(_PATH) as for `pulumi up` unless given. The Dokku client only runs `dokku` subcommands; reading a backup
 * file on the server needs root's shell (as the backup itself did).
 */
export function runAsRootOnServer(
  target: { host: string; port: number; hostKey: string },
  script: string,
  privateKey: string = dokkuPrivateKeyFromEnv(),
): Promise<ShellResult> {
  const { Client: SshClient } = require("ssh2") as typeof import("ssh2");
  const pinned = parseHostKey(target.hostKey);
  return new Promise((resolve, reject) => {
    const client: Client = new SshClient();
    client.once("error", (error) => reject(new Error(`ssh root@${target.host}:${target.port}: ${error.message}`)));
    client.once("ready", () => {
      client.exec("sh -s", (error, stream) => {
        if (error) {
          client.end();
          return reject(error);
        }
        let stdout = "";
        let stderr = "";
        stream.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")));
        stream.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
        stream.on("close", (code: number | null) => {
          client.end();
          resolve({ code: code ?? -1, stdout, stderr });
        });
        stream.end(script);
      });
    });
    client.connect({
      host: target.host,
      port: target.port,
      username: "root",
      privateKey,
      tryKeyboard: false,
      hostVerifier: (key: Buffer) => key.equals(pinned.blob),
    });
  });
}
