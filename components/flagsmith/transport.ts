import { flagsmithApiError } from "./api-error";
import { exchangeJson } from "../http/json-exchange";
import { backoffDelayMs, isRetryableStatus, mayHaveApplied, retryAfterMs, systemRetryClock, type RetryClock, type RetryPolicy } from "../http/retry-policy";

// Everything here uses only globals (fetch, URL, AbortSignal, setTimeout): a dynamic provider that calls it has its
// closure serialized into state, and a module-level value read from the environment would be stored with it.

/** Where the admin API is and the organisation key that opens it. */
export interface FlagsmithConnection {
  /** The API's base URL, with or without the `/api/v1` suffix the SDKs use (https://flags.example.com/api/v1/). */
  apiUrl: string;
  /** An organisation (master) API key, sent as `Authorization: Api-Key <key>`. */
  adminApiKey: string;
}

export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

export interface ApiRequest {
  method: HttpMethod;
  /** A path under /api/v1 (`/environments/`), or an absolute URL the server handed out (a page's `next`). */
  target: string;
  /** Sent as JSON. */
  body?: unknown;
  /**
   * For a request that is not idempotent (a POST that creates): after a failure that may have been carried out,
   * finds what it created. Found: that is the answer. Not found: the request is sent again. Without it, such a
   * failure is not retried.
   */
  recover?: () => Promise<ApiAnswer | undefined>;
}

export interface ApiAnswer {
  status: number;
  body: unknown;
}

/** `apiUrl` normalized to end in `/api/v1` (no trailing slash). */
export function apiBase(apiUrl: string): URL {
  const url = new URL(apiUrl);
  const path = url.pathname.replace(/\/+$/, "");
  url.pathname = path.endsWith("/api/v1") ? path : `${path}/api/v1`;
  url.search = "";
  url.hash = "";
  return url;
}

/**
 * The URL a target names. A `next` link is followed only when it points at the configured server: the admin key
 * must not be sent anywhere else.
 */
export function resolveTarget(connection: FlagsmithConnection, target: string): URL {
  const base = apiBase(connection.apiUrl);
  if (!/^https?:\/\//i.test(target)) return new URL(`${base.href}${target.startsWith("/") ? "" : "/"}${target}`);
  const url = new URL(target);
  if (url.origin !== base.origin) {
    throw flagsmithApiError(`Flagsmith sent a link to another server (${url.origin}); not following it`, 0, undefined);
  }
  return url;
}

/**
 * Sends one request with retries: 429, 5xx, network errors and timeouts are tried again with exponential backoff and
 * full jitter (a Retry-After is honoured), within `policy.retryWithinMs` and `policy.maxAttempts`; any other 4xx is
 * final at once. Resolves with a 2xx answer; anything else throws a FlagsmithApiError. The waits between attempts and
 * the time budget follow `clock`; an attempt's own timeout is real time, since the answer comes over the network.
 */
export async function send(
  connection: FlagsmithConnection,
  policy: RetryPolicy,
  request: ApiRequest,
  clock: RetryClock = systemRetryClock(),
): Promise<ApiAnswer> {
  const deadline = clock.now() + policy.retryWithinMs;
  const url = resolveTarget(connection, request.target);
  const label = `${request.method} ${url.pathname}${url.search}`;
  const idempotent = request.method !== "POST";
  let attempts = 0;
  for (;;) {
    attempts += 1;
    const remaining = deadline - clock.now();
    const outcome = await attempt(connection, request, url, Math.max(1, Math.min(policy.attemptTimeoutMs, remaining)));
    if (outcome.status >= 200 && outcome.status < 300) return { status: outcome.status, body: outcome.body };

    const describe = (why: string) =>
      flagsmithApiError(redact(`Flagsmith ${label} ${why}`, connection), outcome.status, outcome.body);
    if (outcome.status !== 0 && !isRetryableStatus(outcome.status)) throw describe(`answered ${outcome.status}: ${summary(outcome.body)}`);
    const failure = outcome.status === 0 ? `failed: ${outcome.error}` : `answered ${outcome.status}: ${summary(outcome.body)}`;
    if (!idempotent && mayHaveApplied(outcome.status)) {
      if (!request.recover) throw describe(`${failure} (not retried: it may have been carried out)`);
      const recovered = await request.recover();
      if (recovered) return recovered;
    }

    const requested = outcome.status === 429 ? retryAfterMs(outcome.retryAfter, clock.now()) : undefined;
    const wait = requested ?? backoffDelayMs(policy, attempts, Math.random());
    const left = deadline - clock.now();
    if (attempts >= policy.maxAttempts) throw describe(`${failure}; gave up after ${attempts} attempts`);
    if (wait >= left) {
      const spent = policy.retryWithinMs - left;
      throw describe(`${failure}; gave up after ${attempts} attempts in ${Math.round(spent / 100) / 10}s (next try in ${Math.ceil(wait / 1000)}s would pass the ${policy.retryWithinMs / 1000}s limit)`);
    }
    await clock.sleep(wait);
  }
}

interface Outcome {
  /** 0 when no answer came. */
  status: number;
  body: unknown;
  retryAfter: string | null;
  error?: string;
}

async function attempt(connection: FlagsmithConnection, request: ApiRequest, url: URL, timeoutMs: number): Promise<Outcome> {
  const outcome = await exchangeJson(url, request.method, `Api-Key ${connection.adminApiKey}`, request.body, timeoutMs);
  return { status: outcome.status, body: outcome.body, retryAfter: outcome.headers?.get("retry-after") ?? null, ...(outcome.error ? { error: outcome.error } : {}) };
}

function summary(body: unknown): string {
  const text = typeof body === "string" ? body : JSON.stringify(body) ?? "(empty)";
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}

/** The admin key, and any server-side key a body might carry, never reach a message. */
function redact(text: string, connection: FlagsmithConnection): string {
  const withoutAdminKey = connection.adminApiKey ? text.split(connection.adminApiKey).join("[redacted]") : text;
  return withoutAdminKey.replace(/ser\.[A-Za-z0-9_-]+/g, "ser.[redacted]");
}
