/** The SSH transport failed: no connection, authentication refused, a timeout, or the connection dropped. */
export class DokkuSshError extends Error {
  constructor(
    message: string,
    /** "connect", "auth", "timeout" or "dropped": what went wrong, for callers that retry or report. */
    readonly reason: "connect" | "auth" | "timeout" | "dropped",
  ) {
    super(message);
    this.name = new.target.name;
  }
}
