// Only globals (fetch, AbortSignal): the dynamic providers that call this have their closures serialized into state.

/** One answer of a JSON API, or why none came. */
export interface JsonExchange {
  /** 0 when no answer came (network error, timeout). */
  status: number;
  /** The parsed body; its text when it is not JSON; undefined when empty. */
  body: unknown;
  headers?: Headers;
  /** Why no answer came. */
  error?: string;
}

/** Sends one JSON request with an Authorization header and a time limit; never throws. Redirects are refused. */
export async function exchangeJson(url: URL, method: string, authorization: string, body: unknown, timeoutMs: number): Promise<JsonExchange> {
  const headers: Record<string, string> = { Authorization: authorization, Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  try {
    const response = await fetch(url, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
      redirect: "error",
    });
    return { status: response.status, body: parseBody(await response.text()), headers: response.headers };
  } catch (error) {
    return { status: 0, body: undefined, error: networkError(error, timeoutMs) };
  }
}

function parseBody(text: string): unknown {
  if (text === "") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function networkError(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError")) return `no answer within ${timeoutMs}ms`;
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : undefined;
  const code = cause && "code" in cause ? String(cause.code) : undefined;
  return error instanceof Error ? `${error.message}${code ? ` (${code})` : ""}` : String(error);
}
