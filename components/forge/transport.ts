import { backoffDelayMs, isRetryableStatus, mayHaveApplied, retryAfterMs, systemRetryClock, type RetryClock, type RetryPolicy } from "../http/retry-policy";
import { exchangeJson, type JsonExchange } from "../http/json-exchange";
import { forgeAnswerText, forgeApiError } from "./api-error";
import { rateBudgetFor, recordRateHeaders, spendOne, waitBeforeRequestMs } from "./rate-limit";

// Only globals (fetch, URL, AbortSignal) and pure helpers: the providers' closures are serialized into state.

/** Where Forge's API is and the token that opens it. */
export interface ForgeConnection {
  /** The API's base, `https://forge.laravel.com/api` (paths under it start with /orgs/…). */
  apiUrl: string;
  /** A Forge API token, sent as `Authorization: Bearer <token>`. */
  token: string;
  /** The rate limit's window, ms: Forge counts 60 requests a minute. Default 60 000. */
  rateWindowMs?: number;
}

export type HttpMethod = "GET" | "POST" | "PUT" | "DELETE";

export interface ForgeRequest {
  method: HttpMethod;
  /** A path under the API's base, `/orgs/acme/servers/5/sites`, with its query. */
  path: string;
  /** Sent as JSON. */
  body?: unknown;
  /**
   * For a POST that creates: after a failure that may have been carried out, finds what it made. Found: that is the
   * answer. Not found: sent again. Without it such a failure is final.
   */
  recover?: () => Promise<ForgeAnswer | undefined>;
}

export interface ForgeAnswer {
  status: number;
  body: unknown;
}

/**
 * One request, retried where that is safe: a 429 waits for the window Forge names (X-RateLimit-Reset, Retry-After)
 * and does not count as an attempt; 5xx and network failures back off exponentially; 401 and other 4xx are final. All
 * within `policy.retryWithinMs`. Before each request the process's rate budget may hold it back (rate-limit.ts). Every
 * wait and the time budget follow `clock` (a test's clock makes a minute's 429 storm instant); an attempt's own timeout
 * is real time, since the answer comes over the network.
 */
export async function sendToForge(connection: ForgeConnection, policy: RetryPolicy, request: ForgeRequest, clock: RetryClock = systemRetryClock()): Promise<ForgeAnswer> {
  const base = connection.apiUrl.replace(/\/+$/, "");
  const url = new URL(`${base}${request.path}`);
  const label = `${request.method} ${url.pathname}${url.search}`;
  const budget = rateBudgetFor(base);
  const deadline = clock.now() + policy.retryWithinMs;
  let failedAttempts = 0;
  let throttled = 0;
  for (;;) {
    const hold = waitBeforeRequestMs(budget, clock.now());
    if (hold > 0) {
      if (clock.now() + hold >= deadline) throw forgeApiError(`Forge ${label} not sent: the rate limit holds requests for ${Math.ceil(hold / 1000)}s, past the ${policy.retryWithinMs / 1000}s limit`, 429, undefined);
      await clock.sleep(hold);
    }
    spendOne(budget, clock.now());
    const outcome = await attempt(connection, request, url, Math.max(1, Math.min(policy.attemptTimeoutMs, deadline - clock.now())));
    if (outcome.headers) recordRateHeaders(budget, outcome.headers, clock.now(), connection.rateWindowMs);
    if (outcome.status >= 200 && outcome.status < 300) return { status: outcome.status, body: outcome.body };

    const answer = outcome.status === 0 ? `failed: ${outcome.error}` : `answered ${outcome.status}: ${forgeAnswerText(outcome.body)}`;
    const fail = (more = "") => forgeApiError(redact(`Forge ${label} ${answer}${more}`, connection), outcome.status, outcome.body);
    if (outcome.status === 401) throw fail(" (FORGE_API_TOKEN is missing, wrong or revoked: set a valid token of a user in the organization)");
    if (outcome.status === 429) {
      throttled += 1;
      const asked = retryAfterMs(outcome.headers?.get("retry-after") ?? null, clock.now());
      const wait = Math.max(asked ?? 0, waitBeforeRequestMs(budget, clock.now()), 1000) + Math.floor(Math.random() * 1000);
      if (clock.now() + wait >= deadline) throw fail(`; still throttled after ${throttled} waits for the rate limit within ${policy.retryWithinMs / 1000}s`);
      await clock.sleep(wait);
      continue;
    }
    if (outcome.status !== 0 && !isRetryableStatus(outcome.status)) throw fail();
    failedAttempts += 1;
    if (request.method === "POST" && mayHaveApplied(outcome.status)) {
      if (!request.recover) throw fail(" (not retried: it may have been carried out)");
      const recovered = await request.recover();
      if (recovered) return recovered;
    }
    const wait = backoffDelayMs(policy, failedAttempts, Math.random());
    if (failedAttempts >= policy.maxAttempts) throw fail(`; gave up after ${failedAttempts} attempts`);
    if (clock.now() + wait >= deadline) throw fail(`; gave up after ${failedAttempts} attempts within ${policy.retryWithinMs / 1000}s`);
    await clock.sleep(wait);
  }
}

function attempt(connection: ForgeConnection, request: ForgeRequest, url: URL, timeoutMs: number): Promise<JsonExchange> {
  return exchangeJson(url, request.method, `Bearer ${connection.token}`, request.body, timeoutMs);
}

/** The token never reaches a message, whatever an answer echoes. */
function redact(text: string, connection: ForgeConnection): string {
  return connection.token ? text.split(connection.token).join("[redacted]") : text;
}
