import { DEFAULT_RETRY_POLICY, type RetryClock, type RetryPolicy } from "../http/retry-policy";
import type { ForgeConnection } from "./transport";

// Read when a provider method runs, in the engine's host, never at module load: a value read at load time would be
// serialized into state with the provider's code.

/** Forge's API, where the provider should reach it. Overridable for tests; the real one is the default. */
export const FORGE_API_URL = "https://forge.laravel.com/api";

/**
 * The token (FORGE_API_TOKEN), API base (FORGE_API_URL, default https://forge.laravel.com/api) and rate window
 * (FORGE_RATE_WINDOW_MS, default a minute, for doubles with a shorter one), read per operation: a rotated token is picked up and `pulumi destroy` runs with whatever token is current.
 */
export function forgeConnectionFromEnv(): ForgeConnection {
  const token = (process.env.FORGE_API_TOKEN ?? "").trim();
  if (token === "") {
    throw new Error("The Forge provider needs FORGE_API_TOKEN in the environment of `pulumi` (an API token of a Forge user in the organization)");
  }
  return { apiUrl: process.env.FORGE_API_URL?.trim() || FORGE_API_URL, token, rateWindowMs: positiveWholeNumber("FORGE_RATE_WINDOW_MS", 60_000) };
}

/** How long asynchronous work (a site installing, a deployment) may take, and how often it is looked at. */
export interface ForgeWaits {
  /** Longest wait for one asynchronous change, ms. FORGE_WAIT_LIMIT_MS, default 900 000 (15 minutes). */
  limitMs: number;
  /** Pause between two looks, ms. FORGE_POLL_INTERVAL_MS, default 5 000: each look is one request of 60 a minute. */
  intervalMs: number;
  /** Whose time the waits follow. Default the real clock; tests give their own so polling costs no real time. */
  clock?: RetryClock;
}

function positiveWholeNumber(name: string, fallback: number): number {
  const text = process.env[name];
  if (text === undefined || text === "") return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a positive whole number, not "${text}"`);
  return value;
}

export function forgeWaitsFromEnv(): ForgeWaits {
  return { limitMs: positiveWholeNumber("FORGE_WAIT_LIMIT_MS", 900_000), intervalMs: positiveWholeNumber("FORGE_POLL_INTERVAL_MS", 5_000) };
}

/**
 * The retry policy of one request. A 429 waits for the window to reset and does not count as an attempt, so the
 * default time budget (FORGE_RETRY_WITHIN_MS) is five minutes: five environments made at once share one minute's 60.
 */
export function forgeRetryPolicyFromEnv(): RetryPolicy {
  return {
    ...DEFAULT_RETRY_POLICY,
    retryWithinMs: positiveWholeNumber("FORGE_RETRY_WITHIN_MS", 300_000),
    attemptTimeoutMs: positiveWholeNumber("FORGE_ATTEMPT_TIMEOUT_MS", 30_000),
    maxAttempts: positiveWholeNumber("FORGE_MAX_ATTEMPTS", DEFAULT_RETRY_POLICY.maxAttempts),
  };
}
