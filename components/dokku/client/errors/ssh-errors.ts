/** SSH transport failures, as plain Error objects (see command-errors.ts for why these are not classes). */

/** What went wrong: no connection, the key refused, a timeout, or the connection dropped; callers may retry on some. */
export type DokkuSshFailure = "connect" | "auth" | "timeout" | "dropped";

export interface DokkuSshError extends Error {
  name: "DokkuSshError";
  reason: DokkuSshFailure;
}

export function dokkuSshError(reason: DokkuSshFailure, message: string): DokkuSshError {
  return Object.assign(new Error(message), { name: "DokkuSshError" as const, reason });
}

export function isDokkuSshError(error: unknown): error is DokkuSshError {
  return error instanceof Error && (error as Partial<DokkuSshError>).name === "DokkuSshError";
}

/** The server offered a host key other than the pinned one: possibly a man in the middle, never accepted. */
export interface DokkuHostKeyMismatchError extends Error {
  name: "DokkuHostKeyMismatchError";
  host: string;
  port: number;
  /** SHA256 fingerprint of the key pinned in the stack's config. */
  expectedFingerprint: string;
  /** SHA256 fingerprint of the key the server offered. */
  offeredFingerprint: string;
}

export function hostKeyMismatchError(host: string, port: number, expectedFingerprint: string, offeredFingerprint: string): DokkuHostKeyMismatchError {
  const error = new Error(
    `host key of ${host}:${port} does not match the pinned key: expected ${expectedFingerprint}, ` +
      `the server offered ${offeredFingerprint}. If the server's key was rotated on purpose, update the pinned hostKey.`,
  );
  return Object.assign(error, { name: "DokkuHostKeyMismatchError" as const, host, port, expectedFingerprint, offeredFingerprint });
}
