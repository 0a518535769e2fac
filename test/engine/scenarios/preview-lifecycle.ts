import { strict as assert } from "node:assert";
import { readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { parse, stringify } from "yaml";
import { SNAPSHOT_TIME_TABLE } from "../../../components/dokku/mysql";
import { snapshotRefreshScript } from "../../../components/dokku/server";
import { loadStackSpec } from "../../../infra/spec";
import { readPreviewStatus } from "../../../scripts/lifecycle/preview-comment";
import { DriftCheck } from "../../../scripts/lifecycle/drift-check";
import { PREVIEW_TAGS, PreviewLifecycle } from "../../../scripts/lifecycle/preview-lifecycle";
import { Reaper } from "../../../scripts/lifecycle/reaper";
import { type Clock, systemClock } from "../../../scripts/lifecycle/clock";
import { chooseStack } from "../../../scripts/plan/choose-stack";
import { testMariaDb } from "../../doubles/dokku/services/mariadb";
import { StateStore } from "../../doubles/dokku/state/store";
import { runAsRoot } from "../../support/root-shell";
import { loadSnapshot } from "../../support/snapshot-data";
import type { EngineWorld } from "../engine-world";
import { openPreviewPr } from "../preview-pr";
import { slotHolders } from "../redis-slots";
import type { Scenario } from "../scenario";

const SHA = "3333333333333333333333333333333333333333";
/** Production's data for the refresh; not production's own service name, which the production scenario creates. */
const SOURCE = "restant-refresh-source";

/**
 * A preview's snapshot age, the whole path on the real engine: the weekly refresh runs on the server (as root, as its
 * cron does) and records when it took production's data; a `/preview` comment goes through the lifecycle
 * (scripts/lifecycle/preview-lifecycle.ts, with the GitHub double) to `pulumi up` on the real CLI; the database provider
 * clones the snapshot and reads its time; the program exports `snapshotTakenAt`; the PR comment shows the age and
 * that time. The drift check passes the preview by; the reaper, run after the preview's term, destroys it, removes its
 * stack and says so on the PR (closing a PR is walked by the warm pool scenario).
 */
export const previewLifecycleScenario: Scenario = {
  name: "preview lifecycle: snapshot refresh, /preview through the lifecycle, the comment shows the snapshot's time, the reaper removes it when expired",
  async run({ session, world: startWorld }) {
    const world = await startWorld();
    const takenAt = await refreshSnapshot(world);
    const project = projectOnWorld(session.projectCopy(), world);
    const { github, pr, stack, engine, deps, log, stop } = await openPreviewPr(session, world, project, { headRef: "feat/snapshot-age", sha: SHA, runId: "7" });
    try {
      const lifecycle = new PreviewLifecycle(deps);

      github.state.addComment(pr, "writer", "/preview");
      const created = await lifecycle.run({ kind: "create", pr, actor: "writer", trigger: "comment" });
      assert.equal(created.outcome, "deployed", `the preview is deployed: ${created.detail}\n${log.join("").slice(-3000)}`);
      assert.equal((await engine.outputs(stack)).snapshotTakenAt?.value, takenAt, "the stack exports the time the snapshot recorded");
      const comment = github.state.commentsOn(pr).find((c) => c.author === "github-actions[bot]" && readPreviewStatus(c.body));
      assert.ok(comment, "the PR has the preview comment");
      assert.equal(readPreviewStatus(comment.body)?.snapshotTakenAt, takenAt);
      const row = comment.body.split("\n").find((line) => line.startsWith("| Database snapshot |"));
      assert.match(row ?? "", new RegExp(`^\\| Database snapshot \\| \\d+ h old \\(taken ${takenAt}\\) \\|$`), `the comment shows the age: ${comment.body}`);

      // The scheduled drift check (scripts/drift.ts) looks at long-lived stacks only: a preview is never checked
      // (the staging scenario walks the drift path on the real engine).
      assert.deepEqual(await new DriftCheck(deps).run([stack]), [], "the drift check skips previews");

      assert.ok(Object.keys(new StateStore(world.dokku.stateDir).read().mysql).some((name) => name.includes(stack)), "the preview has its database service");
      // The scheduled reaper (scripts/reap.ts) a day after the preview's term: the PR is open, its expiry tag is past.
      const expiresAt = (await engine.tags(stack))[PREVIEW_TAGS.expires] ?? "";
      assert.ok(Date.parse(expiresAt) > Date.now(), `the up tagged the stack with its expiry: ${expiresAt}`);
      const later: Clock = { now: () => new Date(Date.parse(expiresAt) + 86_400_000), sleep: systemClock.sleep };
      const report = await new Reaper({ ...deps, clock: later }, undefined).run();
      assert.deepEqual(report.reaped, [{ pr, reason: "expired", outcome: "destroyed" }], `the reaper destroys the expired preview\n${log.join("").slice(-3000)}`);
      assert.equal((await world.dokku.operator(["apps:exists", `restant-${stack}`])).code, 20, "no app after the reaper");
      const left = new StateStore(world.dokku.stateDir).read();
      assert.deepEqual(Object.keys(left.mysql).filter((name) => name.includes(stack)), [], "no database service of the preview left");
      assert.equal(Object.values(slotHolders()).includes(stack), false, "no Redis slot held by the preview");
      assert.equal((await engine.listStacks()).some((s) => s.name === stack), false, "the reaper removes the stack");
      const removed = github.state.commentsOn(pr).find((c) => c.author === "github-actions[bot]" && readPreviewStatus(c.body));
      assert.equal(readPreviewStatus(removed?.body ?? "")?.state, "destroyed", `the PR comment says the preview is removed: ${removed?.body}`);
      assert.match(removed?.body ?? "", /Removed after 30 days without a push or `\/update`; comment `\/preview` to make it again\./, `the comment says why: ${removed?.body}`);
      return `refresh recorded ${takenAt}; /preview deployed ${stack} through the lifecycle; comment: "${row}"; drift check skips it; 30 days on the reaper destroyed it and removed the stack`;
    } finally {
      await stop();
      await world.operator("mysql:destroy", SOURCE, "--force").catch(() => undefined);
    }
  },
};

/** Production-like data in SOURCE, refreshed into the platform's snapshot by the platform's own script; its recorded time. */
export async function refreshSnapshot(world: EngineWorld): Promise<string> {
  const chosen = chooseStack({ stack: "platform" });
  const spec = loadStackSpec(chosen.config, { stack: chosen.stack, origin: chosen.origin });
  if (spec.kind !== "platform") throw new Error("stacks/Pulumi.platform.yaml is not the platform");
  const mariadb = testMariaDb();
  if (!mariadb) throw new Error("no test MariaDB: run through test/services/start.sh");
  await world.operator("mysql:create", SOURCE);
  await loadSnapshot(mariadb, new StateStore(world.dokku.stateDir).read().mysql[SOURCE]!.database, 0.01);
  const script = snapshotRefreshScript({ source: SOURCE, snapshot: spec.snapshot.service, masking: spec.snapshot.masking });
  // The refresh takes a machine-wide lock; another test refreshing on this machine makes it skip: wait for it.
  for (let tries = 0; ; tries++) {
    const result = await runAsRoot(world.dokku, script);
    if (result.code === 0 && /refreshed from/.test(result.stdout)) break;
    if (!/another refresh is running/.test(result.stderr) || tries >= 30) throw new Error(`the snapshot refresh failed (${result.code}): ${result.stderr}`);
    await new Promise((resolve) => setTimeout(resolve, 2_000));
  }
  const read = await world.dokku.operator(["mysql:connect", spec.snapshot.service], `SELECT taken_at FROM ${SNAPSHOT_TIME_TABLE};\n`);
  const takenAt = read.stdout.split("\n").find((line) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/.test(line));
  if (!takenAt) throw new Error(`the refresh recorded no time: ${read.stdout}${read.stderr}`);
  return takenAt;
}

/** The project copy's Pulumi.yaml pointed at the world's servers, as a user's points at theirs (CI sets nothing else). */
export function projectOnWorld(dir: string, world: EngineWorld): string {
  const file = path.join(dir, "Pulumi.yaml");
  const project = parse(readFileSync(file, "utf8")) as { config: Record<string, { value: unknown }> };
  for (const [key, value] of Object.entries(world.config)) project.config[key] = { value: JSON.parse(value) as unknown };
  writeFileSync(file, stringify(project));
  return dir;
}
