import type { LifecycleDeps } from "./lifecycle-deps";
import { PREVIEW_TAGS, PreviewLifecycle } from "./preview-lifecycle";
import { PreviewComments } from "./preview-comments";
import { PreviewQueue, placeHolders, previewNumber } from "./preview-queue";
import { QueuePickup } from "./queue-pickup";
import type { ServerInventory, ServerResource } from "./server-inventory";

export interface ReapReport {
  /** Previews destroyed and why. */
  reaped: Array<{ pr: number; reason: "closed" | "expired"; outcome: string }>;
  /** PRs warned that their preview expires within a day. */
  warned: number[];
  /** Server leftovers no preview stack owns. */
  orphans: ServerResource[];
  /** Those of them removed (only with RESTANT_REMOVE_ORPHANS=true). */
  removedOrphans: ServerResource[];
  /** PRs labelled for a preview that have neither a stack nor a place in the queue. */
  missing: number[];
  /** Queued PRs whose preview was started because a place was free. */
  dispatched: number[];
  /** False when no server inventory was available: server leftovers were not looked for. */
  serverInspected: boolean;
}

/**
 * The scheduled sweep that trusts no event: every preview stack is held against its PR (closed → destroyed) and its
 * expiry tag (a day before → warned, after → destroyed); PRs, stacks and what the server holds are reconciled.
 */
export class Reaper {
  private readonly comments: PreviewComments;
  private readonly queue: PreviewQueue;

  constructor(
    private readonly deps: LifecycleDeps,
    private readonly inventory: ServerInventory | undefined,
  ) {
    this.comments = new PreviewComments(deps.github, deps.settings.botLogin, deps.clock);
    this.queue = new PreviewQueue(deps.github, this.comments, deps.settings.labels.queued);
  }

  async run(): Promise<ReapReport> {
    const report: ReapReport = { reaped: [], warned: [], orphans: [], removedOrphans: [], missing: [], dispatched: [], serverInspected: false };
    const { engine, github, clock, settings } = this.deps;
    const lifecycle = new PreviewLifecycle(this.deps);
    const openPrs = new Map((await github.openPullRequests()).map((pr) => [pr.number, pr]));

    for (const pr of placeHolders(await engine.listStacks())) {
      const stack = `pr-${pr}`;
      if (!openPrs.has(pr)) {
        const result = await lifecycle.run({ kind: "destroy", pr, actor: "reaper", trigger: "close", reason: "Removed by the reaper: the pull request is closed." });
        report.reaped.push({ pr, reason: "closed", outcome: result.outcome });
        continue;
      }
      const tags = await engine.tags(stack);
      const expires = Date.parse(tags[PREVIEW_TAGS.expires] ?? "");
      if (Number.isNaN(expires)) {
        // A stack made by hand or by an older script: give it the full term from now rather than reap it blind.
        await engine.setTags(stack, { [PREVIEW_TAGS.expires]: new Date(clock.now().getTime() + settings.expiryMs).toISOString() });
        continue;
      }
      const now = clock.now().getTime();
      if (now >= expires) {
        const days = Math.round(settings.expiryMs / 86_400_000);
        const reason = `Removed after ${days} days without a push or \`/update\`; comment \`/preview\` to make it again.`;
        const result = await lifecycle.run({ kind: "destroy", pr, actor: "reaper", trigger: "close", reason });
        report.reaped.push({ pr, reason: "expired", outcome: result.outcome });
      } else if (now >= expires - settings.warnBeforeMs && tags[PREVIEW_TAGS.warnedFor] !== tags[PREVIEW_TAGS.expires]) {
        await this.warn(pr, tags[PREVIEW_TAGS.expires] ?? "");
        await engine.setTags(stack, { [PREVIEW_TAGS.warnedFor]: tags[PREVIEW_TAGS.expires] ?? "" });
        report.warned.push(pr);
      }
    }

    const stacksNow = placeHolders(await engine.listStacks());
    const waiting = new Set((await this.queue.waiting()).map((w) => w.pr));
    for (const pr of openPrs.values()) {
      if (pr.labels.includes(settings.labels.preview) && !stacksNow.includes(pr.number) && !waiting.has(pr.number)) report.missing.push(pr.number);
    }

    if (this.inventory) {
      report.serverInspected = true;
      report.orphans = orphansOf(await this.inventory.list(), new Set(stacksNow.map((n) => `pr-${n}`)));
      if (settings.removeOrphans) {
        for (const orphan of report.orphans) {
          await this.inventory.remove(orphan);
          report.removedOrphans.push(orphan);
        }
      }
    }

    report.dispatched = await new QueuePickup(this.deps, this.queue).fillFreePlaces();
    return report;
  }

  private async warn(pr: number, expiresAt: string): Promise<void> {
    const published = await this.comments.read(pr);
    if (!published) return;
    await this.comments.publish({ ...published.status, expiresAt, expiryWarned: true }, []);
  }
}

/** Server resources named for a preview (`pr-<n>`) whose stack does not exist. Long-lived environments never are. */
export function orphansOf(resources: readonly ServerResource[], previewStacks: ReadonlySet<string>): ServerResource[] {
  return resources.filter((resource) => previewNumber(resource.slug) !== undefined && !previewStacks.has(resource.slug));
}
