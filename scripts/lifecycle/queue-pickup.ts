import type { LifecycleDeps } from "./lifecycle-deps";
import { placeHolders, type PreviewQueue } from "./preview-queue";

/**
 * Hands freed places to the PRs at the head of the queue by dispatching the preview workflow for each: a run of its
 * own, in that PR's concurrency group, with its own log.
 */
export class QueuePickup {
  constructor(
    private readonly deps: LifecycleDeps,
    private readonly queue: PreviewQueue,
  ) {}

  async fillFreePlaces(): Promise<number[]> {
    const { engine, github, settings } = this.deps;
    const free = settings.previewLimit - placeHolders(await engine.listStacks()).length;
    if (free <= 0) return [];
    const next = (await this.queue.waiting()).slice(0, free).map((w) => w.pr);
    for (const pr of next) {
      await github.dispatchWorkflow(settings.previewWorkflow, settings.dispatchRef, { pr: String(pr), action: "create" });
      this.deps.log(`dispatched the preview of #${pr}: a place is free\n`);
    }
    return next;
  }
}
