// Forge allows 60 requests a minute per user and says how many are left in X-RateLimit-* headers. Every request of
// this process draws on one budget per API base, kept on globalThis: providers run from closures Pulumi serialized
// into state, where a module-level collection would arrive empty and each resource would get a copy of its own.

/** What the last answers said about the budget. */
export interface RateBudget {
  /** Requests left in the window (X-RateLimit-Remaining); undefined until Forge has said. */
  remaining: number | undefined;
  /** When the window starts again, ms since the epoch (X-RateLimit-Reset, else one minute after the budget ran low). */
  resetAt: number;
  /** The earliest time the next request may leave, so requests spread over what is left of the window. */
  nextAt: number;
}

const GLOBAL_KEY = "__restantForgeRateBudgets";

/** This process's budget for one API base. */
export function rateBudgetFor(base: string): RateBudget {
  const holder = globalThis as unknown as Record<string, Record<string, RateBudget> | undefined>;
  const budgets = (holder[GLOBAL_KEY] ??= {});
  return (budgets[base] ??= { remaining: undefined, resetAt: 0, nextAt: 0 });
}

/**
 * How long to wait before the next request: none while the budget is comfortable; when it runs low, the rest of the
 * window spread evenly over the requests left; when it is spent, until the window resets.
 */
export function waitBeforeRequestMs(budget: RateBudget, now: number): number {
  const spacing = Math.max(0, budget.nextAt - now);
  if (budget.remaining === undefined || budget.resetAt <= now) return spacing;
  if (budget.remaining <= 0) return Math.max(spacing, budget.resetAt - now);
  return spacing;
}

/** Takes one request from the budget: when few are left, the next one waits its share of the window. */
export function spendOne(budget: RateBudget, now: number): void {
  if (budget.remaining === undefined || budget.resetAt <= now) return;
  budget.remaining -= 1;
  const LOW = 10;
  if (budget.remaining < LOW) budget.nextAt = now + Math.ceil((budget.resetAt - now) / Math.max(1, budget.remaining + 1));
}

/**
 * Records what an answer's headers say. Laravel's throttle sends Limit and Remaining on every answer and Reset (epoch
 * seconds) with Retry-After on a 429; without a Reset, a low budget is taken to last one window from now.
 */
export function recordRateHeaders(budget: RateBudget, headers: { get(name: string): string | null }, now: number, windowMs: number = 60_000): void {
  const remaining = Number(headers.get("x-ratelimit-remaining") ?? Number.NaN);
  const reset = Number(headers.get("x-ratelimit-reset") ?? Number.NaN);
  const retryAfter = Number(headers.get("retry-after") ?? Number.NaN);
  if (Number.isFinite(remaining)) budget.remaining = remaining;
  if (Number.isFinite(reset) && reset > 0) budget.resetAt = reset * 1000;
  else if (Number.isFinite(retryAfter)) budget.resetAt = now + retryAfter * 1000;
  else if (budget.resetAt <= now && budget.remaining !== undefined) budget.resetAt = now + windowMs;
}
