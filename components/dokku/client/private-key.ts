/**
 * The SSH private key for Dokku, read when an operation runs (never at module level, never an input, so it stays out
 * of Pulumi state and a rotated key still lets `pulumi destroy` run): DOKKU_SSH_PRIVATE_KEY holds the key text,
 * DOKKU_SSH_PRIVATE_KEY_PATH a file with it.
 */
export function dokkuPrivateKeyFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  const text = env.DOKKU_SSH_PRIVATE_KEY;
  if (text && text.trim() !== "") return text.includes("\\n") && !text.includes("\n") ? text.replace(/\\n/g, "\n") : text;
  const file = env.DOKKU_SSH_PRIVATE_KEY_PATH;
  if (file && file.trim() !== "") {
    const { readFileSync } = require("node:fs") as typeof import("node:fs");
    try {
      return readFileSync(file, "utf8");
    } catch (error) {
      throw new Error(`DOKKU_SSH_PRIVATE_KEY_PATH names a file that cannot be read (${(error as NodeJS.ErrnoException).code ?? "error"})`);
    }
  }
  throw new Error("set DOKKU_SSH_PRIVATE_KEY (the key text) or DOKKU_SSH_PRIVATE_KEY_PATH to reach the Dokku server over SSH");
}
