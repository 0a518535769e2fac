import { z } from "zod";
import type { Clock } from "./clock";
import type { GitHubApi } from "./github-api";

const MARKER_PATTERN = /<!-- restant:breaker (\{.*?\}) -->/s;
const TITLE = "Preview automation: circuit breaker";

const stateSchema = z.object({
  failures: z.number().int().nonnegative(),
  pausedUntil: z.iso.datetime().optional(),
  recent: z.array(z.object({ pr: z.number().int().positive(), step: z.string(), at: z.iso.datetime() })).max(10),
});
type BreakerState = z.infer<typeof stateSchema>;

export interface CircuitBreakerOptions {
  label: string;
  /** Only an issue the bot opened holds the breaker's state: a label alone can be added by any triager. */
  botLogin: string;
  /** Failed creations in a row that trip it. */
  threshold: number;
  pauseMs: number;
}

/**
 * Stops a broken server or backend from being hammered by every PR: after `threshold` failed creations in a row,
 * creations pause for `pauseMs`. Its state lives in one open GitHub issue (label `preview-breaker`), because
 * every CI run can read an issue back, people see why previews stopped, and closing the issue resets it. The issue
 * exists only while failures are counted. After the pause one more failure trips it again; a success closes it.
 */
export class CircuitBreaker {
  constructor(
    private readonly api: GitHubApi,
    private readonly clock: Clock,
    private readonly options: CircuitBreakerOptions,
  ) {}

  /** When creations may resume, if they are paused now. */
  async pausedUntil(): Promise<Date | undefined> {
    const current = await this.current();
    if (!current?.state.pausedUntil) return undefined;
    const until = new Date(current.state.pausedUntil);
    return until > this.clock.now() ? until : undefined;
  }

  /** Counts a failed creation; returns the end of the pause when this failure tripped the breaker. */
  async recordFailure(pr: number, step: string): Promise<Date | undefined> {
    const current = await this.current();
    const now = this.clock.now();
    const before = current?.state ?? { failures: 0, recent: [] };
    const failures = before.failures + 1;
    const tripped = failures >= this.options.threshold;
    const pausedUntil = tripped ? new Date(now.getTime() + this.options.pauseMs) : undefined;
    const state: BreakerState = {
      failures,
      ...(pausedUntil ? { pausedUntil: pausedUntil.toISOString() } : {}),
      recent: [...before.recent, { pr, step, at: now.toISOString() }].slice(-10),
    };
    const body = this.render(state);
    if (current) await this.api.updateIssue(current.number, { body });
    else await this.api.createIssue({ title: TITLE, body, labels: [this.options.label] });
    return pausedUntil;
  }

  async recordSuccess(): Promise<void> {
    const current = await this.current();
    if (!current) return;
    await this.api.updateIssue(current.number, {
      body: `${this.render({ failures: 0, recent: current.state.recent })}\n\nA preview was created successfully at ${this.clock.now().toISOString()}: the count is reset.`,
      state: "closed",
    });
  }

  private async current(): Promise<{ number: number; state: BreakerState } | undefined> {
    const issues = await this.api.issuesWithLabel(this.options.label, "open");
    for (const issue of issues) {
      if (issue.author !== this.options.botLogin) continue;
      const match = MARKER_PATTERN.exec(issue.body);
      if (!match?.[1]) continue;
      try {
        const state = stateSchema.safeParse(JSON.parse(match[1]));
        if (state.success) return { number: issue.number, state: state.data };
      } catch {
        // A hand-edited body: ignore it rather than let it stop every preview.
      }
    }
    return undefined;
  }

  private render(state: BreakerState): string {
    const lines = [
      `<!-- restant:breaker ${JSON.stringify(state).replace(/</g, "\\u003c").replace(/>/g, "\\u003e")} -->`,
      state.pausedUntil
        ? `Preview creation is **paused until ${state.pausedUntil}**: ${state.failures} creations failed in a row.`
        : `${state.failures} preview creation(s) failed in a row; ${this.options.threshold} pause the automation for ${Math.round(this.options.pauseMs / 60_000)} minutes.`,
      "",
      "Recent failures:",
      ...state.recent.map((f) => `- #${f.pr}: ${f.step} at ${f.at}`),
      "",
      "Close this issue to reset the count by hand.",
    ];
    return lines.join("\n");
  }
}
