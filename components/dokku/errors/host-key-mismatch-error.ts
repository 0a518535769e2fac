/** The server offered a host key other than the pinned one: possibly a man in the middle, never accepted. */
export class DokkuHostKeyMismatchError extends Error {
  constructor(
    readonly host: string,
    readonly port: number,
    /** SHA256 fingerprint of the key pinned in the stack's config. */
    readonly expectedFingerprint: string,
    /** SHA256 fingerprint of the key the server offered. */
    readonly offeredFingerprint: string,
  ) {
    super(
      `host key of ${host}:${port} does not match the pinned key: expected ${expectedFingerprint}, ` +
        `the server offered ${offeredFingerprint}. If the server's key was rotated on purpose, update the pinned hostKey.`,
    );
    this.name = new.target.name;
  }
}
