import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DAY, HOUR } from "../../../scripts/lifecycle/clock";
import { PREVIEW_TAGS } from "../../../scripts/lifecycle/preview-lifecycle";
import { Reaper } from "../../../scripts/lifecycle/reaper";
import type { ServerInventory, ServerResource } from "../../../scripts/lifecycle/server-inventory";
import { Scenario } from "./harness";

/** What the server holds, as the real inventory would list it; removing something absent fails as dokku does. */
class ServerInventoryDouble implements ServerInventory {
  constructor(public resources: ServerResource[]) {}
  async list(): Promise<ServerResource[]> {
    return [...this.resources];
  }
  async remove(resource: ServerResource): Promise<void> {
    const index = this.resources.findIndex((r) => r.kind === resource.kind && r.name === resource.name);
    if (index === -1) throw new Error(` !     App ${resource.name} does not exist`);
    this.resources.splice(index, 1);
  }
}

describe("the reaper", () => {
  let s: Scenario;
  beforeEach(async () => {
    s = await Scenario.start();
    s.github.setRole("writer", "write");
  });
  afterEach(async () => {
    await s.stop();
  });

  it("warns a day before expiry, once; /update extends; then reaps the expired preview", async () => {
    const pr = s.github.state.openPullRequest({ author: "writer", headRef: "feature/old", headSha: "a".repeat(40) });
    expect((await s.run(s.comment(pr, "writer", "/preview"))).outcome).toBe("deployed");
    const reaper = new Reaper(s.deps, undefined);

    s.clock.advance(29 * DAY + HOUR);
    expect((await reaper.run()).warned).toEqual([pr]);
    expect(s.status(pr).status).toMatchObject({ state: "ready", expiryWarned: true });
    expect(s.status(pr).body).toMatch(/within a day: comment `\/update` to keep it/);
    const tags = await s.deps.engine.tags(`pr-${pr}`);
    expect(tags[PREVIEW_TAGS.warnedFor]).toBe(tags[PREVIEW_TAGS.expires]);
    const body = s.status(pr).body;
    expect((await reaper.run()).warned).toEqual([]);
    expect(s.status(pr).body).toBe(body);

    // /update moves the expiry 30 days on from now: no warning, no reaping a day later.
    expect((await s.run(s.comment(pr, "writer", "/update"))).outcome).toBe("deployed");
    expect(s.status(pr).status?.expiryWarned).toBeUndefined();
    s.clock.advance(2 * DAY);
    expect(await reaper.run()).toMatchObject({ warned: [], reaped: [] });

    s.clock.advance(28 * DAY);
    const report = await reaper.run();
    expect(report.reaped).toEqual([{ pr, reason: "expired", outcome: "destroyed" }]);
    expect(await s.stacks()).toEqual([]);
    expect(s.status(pr).status).toMatchObject({ state: "destroyed", note: expect.stringMatching(/30 days without a push/) });
    expect(s.github.state.issues.get(pr)!.labels).not.toContain("preview");
  });

  it("reaps previews whose close event was missed, and reconciles PRs, stacks and the server", async () => {
    const kept = s.github.state.openPullRequest({ author: "writer", headRef: "feature/kept", headSha: "1".repeat(40) });
    const missed = s.github.state.openPullRequest({ author: "writer", headRef: "feature/missed", headSha: "2".repeat(40) });
    await s.run(s.comment(kept, "writer", "/preview"));
    await s.run(s.comment(missed, "writer", "/preview"));
    s.github.state.close(missed); // no close event reaches CI
    const labelledOnly = s.github.state.openPullRequest({ author: "writer", headRef: "feature/lost", headSha: "3".repeat(40), labels: ["preview"] });

    const server = new ServerInventoryDouble([
      { kind: "app", name: `restant-pr-${kept}`, slug: `pr-${kept}` },
      { kind: "app", name: "restant-main", slug: "main" },
      { kind: "app", name: "restant-pr-99", slug: "pr-99" },
      { kind: "mysql", name: "restant-pr-99", slug: "pr-99" },
      { kind: "redis-slot", name: "7", slug: "pr-99" },
    ]);
    const report = await new Reaper(s.deps, server).run();
    expect(report.reaped).toEqual([{ pr: missed, reason: "closed", outcome: "destroyed" }]);
    expect(await s.stacks()).toEqual([`pr-${kept}`]);
    expect(report.serverInspected).toBe(true);
    expect(report.orphans.map((o) => `${o.kind}:${o.name}`)).toEqual(["app:restant-pr-99", "mysql:restant-pr-99", "redis-slot:7"]);
    expect(report.removedOrphans).toEqual([]);
    expect(server.resources).toHaveLength(5);
    expect(report.missing).toEqual([labelledOnly]);

    s.configure({ RESTANT_REMOVE_ORPHANS: "true" });
    const removing = await new Reaper(s.deps, server).run();
    expect(removing.removedOrphans).toHaveLength(3);
    expect(server.resources.map((r) => r.name)).toEqual([`restant-pr-${kept}`, "restant-main"]);
  });

  it("starts queued previews when places are free, without any event", async () => {
    const queued = s.github.state.openPullRequest({ author: "writer", headRef: "feature/q", headSha: "4".repeat(40), labels: ["preview-queued"] });
    const report = await new Reaper(s.deps, undefined).run();
    expect(report.dispatched).toEqual([queued]);
    expect(report.serverInspected).toBe(false);
    expect(s.github.state.dispatches).toEqual([{ workflow: "preview.yml", ref: "main", inputs: { pr: String(queued), action: "create" } }]);
  });
});
