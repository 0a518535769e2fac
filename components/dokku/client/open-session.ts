import type { Client, ConnectConfig } from "ssh2";
import { DokkuSession } from "./dokku-session";
import { dokkuSshError, hostKeyMismatchError } from "./errors/ssh-errors";
import { hostKeyFingerprint, parseHostKey } from "./host-key";
import { DokkuSshOptions } from "./ssh-options";

const DEFAULT_CONNECT_TIMEOUT_MS = 20_000;

/**
 * Connects, pins the host key and authenticates with the private key; resolves with a session for one operation.
 * ssh2 is required here, not at module level, so a Pulumi provider that calls this does not capture the module.
 */
export function openDokkuSession(options: DokkuSshOptions): Promise<DokkuSession> {
  const { Client: SshClient } = require("ssh2") as typeof import("ssh2");
  const pinned = parseHostKey(options.hostKey);
  const where = `${options.host}:${options.port}`;
  const client: Client = new SshClient();
  let offered: Buffer | undefined;
  const config: ConnectConfig = {
    host: options.host,
    port: options.port,
    username: options.user,
    privateKey: options.privateKey,
    readyTimeout: options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
    tryKeyboard: false,
    hostVerifier: (key: Buffer) => {
      offered = key;
      return key.equals(pinned.blob);
    },
  };
  return new Promise((resolve, reject) => {
    const fail = (error: Error) => {
      client.removeAllListeners("ready");
      client.removeAllListeners("close");
      // Closing a half-open transport can raise one more error; the first one is the answer.
      client.on("error", () => undefined);
      client.end();
      reject(error);
    };
    // ssh2 reports a connection lost after the key exchange but before authentication finished with "close" alone
    // (no error, and the ready timeout is cleared): without this the session would be awaited forever.
    client.once("close", () => fail(dokkuSshError("dropped", `the SSH connection to ${where} dropped before the session was ready`)));
    client.once("ready", () => {
      client.removeAllListeners("close");
      client.removeAllListeners("error");
      // Later transport errors surface as a dropped connection on the commands in flight.
      client.on("error", () => undefined);
      resolve(new DokkuSession(client, options));
    });
    client.once("error", (error: Error & { level?: string }) => {
      if (offered && !offered.equals(pinned.blob)) {
        fail(hostKeyMismatchError(options.host, options.port, hostKeyFingerprint(pinned.blob), hostKeyFingerprint(offered)));
      } else if (error.level === "client-authentication") {
        fail(dokkuSshError("auth", `${where} refused the private key for user ${options.user}`));
      } else if (error.level === "client-timeout") {
        fail(dokkuSshError("timeout", `no SSH session with ${where} within ${config.readyTimeout} ms`));
      } else {
        fail(dokkuSshError("connect", `could not connect to ${where}: ${error.message}`));
      }
    });
    try {
      client.connect(config);
    } catch (error) {
      // ssh2 parses the key synchronously; its message names the problem, never the key's text.
      fail(dokkuSshError("auth", `the SSH private key for ${where} cannot be used: ${(error as Error).message}`));
    }
  });
}

/** Opens a session, runs `operation` on it, and always closes it: one connection per provider operation. */
export async function withDokkuSession<T>(options: DokkuSshOptions, operation: (session: DokkuSession) => Promise<T>): Promise<T> {
  const session = await openDokkuSession(options);
  try {
    return await operation(session);
  } finally {
    await session.close();
  }
}
