/** A request to the Flagsmith admin API that did not succeed. */
export interface FlagsmithApiError extends Error {
  /** HTTP status of the last answer; 0 when no answer came (network error, timeout). */
  status: number;
  /** Parsed body of the last answer, if any. */
  body: unknown;
}

/**
 * A plain Error carrying the status and body. Not a subclass of Error: Pulumi's closure serializer rebuilds a class
 * that extends a built-in by calling its super as a function, which leaves the message empty. The message names the
 * request (method and path) and the answer, never the admin key or the server's address.
 */
export function flagsmithApiError(message: string, status: number, body: unknown): FlagsmithApiError {
  const error = new Error(message) as FlagsmithApiError;
  error.name = "FlagsmithApiError";
  error.status = status;
  error.body = body;
  return error;
}

/** Whether an error is the API's answer with this status (as opposed to a network failure or a bug). */
export function isApiStatus(error: unknown, status: number): boolean {
  return error instanceof Error && error.name === "FlagsmithApiError" && (error as FlagsmithApiError).status === status;
}
