/** A request to the Forge API that did not succeed. */
export interface ForgeApiError extends Error {
  /** HTTP status of the last answer; 0 when no answer came (network error, timeout). */
  status: number;
  /** Parsed body of the last answer, if any. */
  body: unknown;
}

/**
 * A plain Error carrying the status and body: Pulumi's closure serializer rebuilds a subclass of Error with an empty
 * message. The message names the request and Forge's answer (its message and field errors), never the token.
 */
export function forgeApiError(message: string, status: number, body: unknown): ForgeApiError {
  const error = new Error(message) as ForgeApiError;
  error.name = "ForgeApiError";
  error.status = status;
  error.body = body;
  return error;
}

/** Whether an error is Forge's answer with this status (as opposed to a network failure or a bug). */
export function isForgeStatus(error: unknown, status: number): boolean {
  return error instanceof Error && error.name === "ForgeApiError" && (error as ForgeApiError).status === status;
}

/**
 * What Forge said, for a person: `message`, then each field's errors (`422 {message, errors: {field: [...]}}`), or
 * the body's text cut short.
 */
export function forgeAnswerText(body: unknown): string {
  if (body !== null && typeof body === "object") {
    const { message, errors } = body as { message?: unknown; errors?: unknown };
    const fields =
      errors !== null && typeof errors === "object"
        ? Object.entries(errors as Record<string, unknown>).map(([field, list]) => `${field}: ${Array.isArray(list) ? list.join(" ") : String(list)}`)
        : [];
    if (typeof message === "string") return [message, ...fields].join("; ");
  }
  const text = typeof body === "string" ? body : JSON.stringify(body) ?? "(empty)";
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}
