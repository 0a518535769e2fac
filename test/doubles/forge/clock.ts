/**
 * Time as the Forge double sees it: when asynchronous work finishes and when a rate-limit window resets. The wall
 * clock by default; a test that asserts a status before and after it moves uses a `SteppedClock`, so a slow machine
 * cannot let the status move before the first look.
 */
export interface ForgeDoubleClock {
  /** Milliseconds since the epoch. */
  now(): number;
}

export const wallClock: ForgeDoubleClock = { now: () => Date.now() };

/**
 * A clock that stands still until the test moves it, or until something sleeps on it: the Forge client and its waits
 * take it as their clock (components/http/retry-policy.ts RetryClock), so a sleep moves the double's time with theirs
 * and a minute's rate-limit window or a site's install passes without real waiting.
 */
export class SteppedClock implements ForgeDoubleClock {
  private at: number;

  constructor(start = Date.parse("2026-01-01T00:00:00Z")) {
    this.at = start;
  }

  now(): number {
    return this.at;
  }

  advance(ms: number): void {
    this.at += ms;
  }

  /** Every sleep asked for, in order. */
  readonly slept: number[] = [];

  async sleep(ms: number): Promise<void> {
    this.slept.push(ms);
    this.advance(ms);
  }
}
