/**
 * A request to the Flagsmith admin API that did not succeed. The message names the request (method and path) and
 * the answer, never the admin key or the server's address: errors end up in Pulumi's logs and state.
 */
export class FlagsmithApiError extends Error {
  /** HTTP status of the last answer; 0 when no answer came (network error, timeout). */
  readonly status: number;
  /** Parsed body of the last answer, if any. */
  readonly body: unknown;

  constructor(message: string, status: number, body: unknown) {
    super(message);
    this.name = "FlagsmithApiError";
    this.status = status;
    this.body = body;
  }
}
