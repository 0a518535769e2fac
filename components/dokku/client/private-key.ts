/**
 * An SSH private key, read when an operation runs (never at module level, never an input, so it stays out of Pulumi
 * state and a rotated key still lets `pulumi destroy` run): `<PREFIX>_SSH_PRIVATE_KEY` holds the key text,
 * `<PREFIX>_SSH_PRIVATE_KEY_PATH` a file with it. DOKKU_ for the Dokku server, FORGE_ for a Forge server's `forge` user.
 */
export function privateKeyFromEnv(prefix: "DOKKU" | "FORGE", what: string, env: NodeJS.ProcessEnv = process.env): string {
  const text = env[`${prefix}_SSH_PRIVATE_KEY`];
  if (text && text.trim() !== "") return text.includes("\\n") && !text.includes("\n") ? text.replace(/\\n/g, "\n") : text;
  const file = env[`${prefix}_SSH_PRIVATE_KEY_PATH`];
  if (file && file.trim() !== "") {
    const { readFileSync } = require("node:fs") as typeof import("node:fs");
    try {
      return readFileSync(file, "utf8");
    } catch (error) {
      throw new Error(`${prefix}_SSH_PRIVATE_KEY_PATH names a file that cannot be read (${(error as NodeJS.ErrnoException).code ?? "error"})`);
    }
  }
  throw new Error(`set ${prefix}_SSH_PRIVATE_KEY (the key text) or ${prefix}_SSH_PRIVATE_KEY_PATH to reach ${what} over SSH`);
}

/** The Dokku server's key (DOKKU_SSH_PRIVATE_KEY or DOKKU_SSH_PRIVATE_KEY_PATH). */
export function dokkuPrivateKeyFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  return privateKeyFromEnv("DOKKU", "the Dokku server", env);
}
