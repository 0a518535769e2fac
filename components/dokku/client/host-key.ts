/**
 * A pinned SSH host key, "ssh-ed25519 AAAA…" as in known_hosts or ssh-keyscan output (a trailing comment is
 * ignored): its wire blob, compared byte for byte with what the server offers, and OpenSSH's SHA256 fingerprint.
 */
export interface PinnedHostKey {
  type: string;
  blob: Buffer;
}

export function parseHostKey(text: string): PinnedHostKey {
  const [type, base64] = text.trim().split(/\s+/);
  if (!type || !base64 || !/^[A-Za-z0-9+/]+={0,2}$/.test(base64)) {
    throw new Error(`the pinned host key must look like "ssh-ed25519 AAAA…", got ${JSON.stringify(text.slice(0, 40))}`);
  }
  const blob = Buffer.from(base64, "base64");
  // The blob starts with its own type name (RFC 4253 string): a key pasted under the wrong type is caught here.
  const innerLength = blob.length >= 4 ? blob.readUInt32BE(0) : -1;
  const innerType = innerLength > 0 && innerLength <= blob.length - 4 ? blob.subarray(4, 4 + innerLength).toString("latin1") : "";
  if (innerType !== type) throw new Error(`the pinned host key says ${type} but its data is a ${innerType || "malformed"} key`);
  return { type, blob };
}

/** `SHA256:…` as `ssh-keygen -lf` prints it. */
export function hostKeyFingerprint(blob: Buffer): string {
  const { createHash } = require("node:crypto") as typeof import("node:crypto");
  return `SHA256:${createHash("sha256").update(blob).digest("base64").replace(/=+$/, "")}`;
}
