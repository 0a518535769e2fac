import type { GitHubApi } from "./github-api";
import type { PreviewComments } from "./preview-comments";
import type { StackSummary } from "./stack-engine";

const PREVIEW_STACK = /^pr-(\d+)$/;

/** The PR number of a preview stack's name, or undefined for any other stack. */
export function previewNumber(stack: string): number | undefined {
  const match = PREVIEW_STACK.exec(stack);
  return match?.[1] ? Number(match[1]) : undefined;
}

/** PRs whose preview stacks exist: each holds one of the places, whatever state it is in. */
export function placeHolders(stacks: readonly StackSummary[]): number[] {
  return stacks
    .map((s) => previewNumber(s.name))
    .filter((n): n is number => n !== undefined)
    .sort((a, b) => a - b);
}

export interface Waiting {
  pr: number;
  queuedAt: string;
}

/**
 * Whether a PR may take a place now. Places are taken first come, first served: a PR already in the queue is
 * admitted when enough places are free for everyone ahead of it; a newcomer only when none are waiting for them.
 */
export function mayTakePlace(pr: number, holders: readonly number[], queue: readonly Waiting[], limit: number): boolean {
  const free = limit - holders.filter((h) => h !== pr).length;
  const position = queue.findIndex((w) => w.pr === pr);
  const ahead = position === -1 ? queue.length : position;
  return ahead < free;
}

/**
 * The queue of previews waiting for a place: open PRs with the `preview-queued` label, in the order they were
 * queued (kept in each PR's preview comment, so any later CI run reads the same order).
 */
export class PreviewQueue {
  constructor(
    private readonly api: GitHubApi,
    private readonly comments: PreviewComments,
    private readonly queuedLabel: string,
  ) {}

  async waiting(): Promise<Waiting[]> {
    const queued = (await this.api.openPullRequests()).filter((pr) => pr.labels.includes(this.queuedLabel));
    const entries: Waiting[] = [];
    for (const pr of queued) {
      const published = await this.comments.read(pr.number);
      entries.push({ pr: pr.number, queuedAt: published?.status.queuedAt ?? new Date(0).toISOString() });
    }
    return entries.sort((a, b) => a.queuedAt.localeCompare(b.queuedAt) || a.pr - b.pr);
  }
}
