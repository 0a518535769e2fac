import { Client } from "ssh2";
import type { DokkuServer } from "./dokku-server";

/** Runs a shell script as root over SSH on the test server, the way a cron runs it (script on stdin of `sh -s`). */
export function runAsRoot(server: DokkuServer, script: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const client = new Client();
    client.once("error", reject);
    client.once("ready", () => {
      client.exec("sh -s", (error, stream) => {
        if (error) return reject(error);
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
    const expected = server.hostKey.split(" ")[1];
    client.connect({
      host: server.host,
      port: server.port,
      username: "root",
      privateKey: server.privateKey,
      hostVerifier: (key: Buffer) => key.toString("base64") === expected,
    });
  });
}
