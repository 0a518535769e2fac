/**
 * How long and how often one request to an HTTP API (Flagsmith, Forge) may be tried. Every attempt and every wait of one
 * request fit inside `retryWithinMs`, so a provider operation cannot hang a `pulumi up` for long.
 */
export interface RetryPolicy {
  /** Longest wait for one answer, in ms; a hanging server counts as a failed attempt. Default 10 000. */
  attemptTimeoutMs: number;
  /** All attempts of one request, waits included, end within this many ms. Default 60 000. */
  retryWithinMs: number;
  /** Ceiling of the first backoff wait in ms; it doubles with each attempt (full jitter below it). Default 250. */
  baseDelayMs: number;
  /** Highest backoff ceiling in ms. Default 8 000. */
  maxDelayMs: number;
  /** Most attempts of one request, the first included. Default 8. */
  maxAttempts: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  attemptTimeoutMs: 10_000,
  retryWithinMs: 60_000,
  baseDelayMs: 250,
  maxDelayMs: 8_000,
  maxAttempts: 8,
};

/** Time as the retry loop sees it: the real clock, or a test's whose sleeps only move its time. */
export interface RetryClock {
  /** Milliseconds since the epoch. */
  now(): number;
  sleep(ms: number): Promise<void>;
}

/** The wall clock and real waits (only globals: providers' closures are serialized into state). */
export function systemRetryClock(): RetryClock {
  return { now: () => Date.now(), sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)) };
}

/** Exponential backoff with full jitter: a uniform wait below a ceiling that doubles each attempt (AWS's advice). */
export function backoffDelayMs(policy: RetryPolicy, failedAttempts: number, random: number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, failedAttempts - 1));
  return Math.floor(random * ceiling);
}

/** Milliseconds a `Retry-After` header asks for (delta-seconds or an HTTP date); undefined when absent or unreadable. */
export function retryAfterMs(header: string | null, now: number): number | undefined {
  if (header === null || header.trim() === "") return undefined;
  const seconds = Number(header.trim());
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * Whether a status may change by itself. 429 means the throttle refused before the view ran; 5xx may pass. Any other
 * 4xx is the same answer next time: retrying it only wastes the budget.
 */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || status >= 500;
}

/**
 * Whether a failed POST might still have been carried out: no answer at all, or a server error other than 503 (which
 * proxies send when the app never saw the request). Such a POST is retried only after checking it did not happen.
 */
export function mayHaveApplied(status: number): boolean {
  return status === 0 || (status >= 500 && status !== 503);
}
