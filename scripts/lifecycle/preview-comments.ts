import type { Clock } from "./clock";
import type { GitHubApi } from "./github-api";
import { readPreviewStatus, renderPreviewComment } from "./preview-comment";
import type { PreviewStatus } from "./preview-status";
import { assertNoSecrets } from "./secret-guard";

export interface PublishedStatus {
  commentId: number;
  status: PreviewStatus;
}

/**
 * A preview's one comment on its PR, edited in place. Only comments written by the bot count: anyone can paste the
 * marker into a comment of their own, and must not move the queue or the expiry by doing so.
 */
export class PreviewComments {
  constructor(
    private readonly api: GitHubApi,
    private readonly botLogin: string,
    private readonly clock: Clock,
  ) {}

  async read(pr: number): Promise<PublishedStatus | undefined> {
    const comments = await this.api.comments(pr);
    for (const comment of comments) {
      if (comment.author !== this.botLogin) continue;
      const status = readPreviewStatus(comment.body);
      if (status && status.pr === pr) return { commentId: comment.id, status };
    }
    return undefined;
  }

  /** Renders, refuses if any secret value is in the text, then edits the existing comment or writes the first one. */
  async publish(status: PreviewStatus, secrets: readonly string[]): Promise<PreviewStatus> {
    const body = renderPreviewComment(status, this.clock.now());
    assertNoSecrets(body, secrets, `the preview comment on #${status.pr}`);
    const existing = await this.read(status.pr);
    if (existing) await this.api.updateComment(existing.commentId, body);
    else await this.api.createComment(status.pr, body);
    return status;
  }
}
