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

/** A clock that stands still until the test moves it. */
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
}
