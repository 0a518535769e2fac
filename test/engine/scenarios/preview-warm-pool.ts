import { strict as assert } from "node:assert";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { poolRefillScript } from "../../../components/dokku/server";
import { loadStackSpec } from "../../../infra/spec";
import { readPreviewStatus } from "../../../scripts/lifecycle/preview-comment";
import { PreviewLifecycle } from "../../../scripts/lifecycle/preview-lifecycle";
import { chooseStack } from "../../../scripts/plan/choose-stack";
import { runSql, testMariaDb } from "../../doubles/dokku/services/mariadb";
import { StateStore } from "../../doubles/dokku/state/store";
import { runAsRoot } from "../../support/root-shell";
import type { EngineWorld } from "../engine-world";
import { openPreviewPr } from "../preview-pr";
import type { Scenario } from "../scenario";
import { projectOnWorld, refreshSnapshot } from "./preview-lifecycle";

const SHA = "4444444444444444444444444444444444444444";

/**
 * The warm pool, the user's whole path on the real engine: the snapshot is refreshed (masked) and the platform's refill
 * job (as root, as its cron runs it) fills the pool; a `/preview` comment goes through the lifecycle to `pulumi up`
 * on the real CLI; the preview's database resource claims a member; the app is linked to it and reads the snapshot's
 * rows through its DATABASE_URL; the PR comment says the database is a warm pool member. Closing the PR destroys the
 * member (never returned to the pool) and the registry forgets it.
 */
export const previewWarmPoolScenario: Scenario = {
  name: "preview warm pool: refill, /preview claims a member the app reads, the comment says so, close destroys it",
  async run({ session, world: startWorld }) {
    const world = await startWorld();
    await refreshSnapshot(world);
    const members = await fillPool(world);
    const project = projectOnWorld(session.projectCopy(), world);
    const { github, pr, stack, engine, deps, log, stop } = await openPreviewPr(session, world, project, { headRef: "feat/warm-pool", sha: SHA, runId: "8" });
    try {
      const lifecycle = new PreviewLifecycle(deps);

      github.state.addComment(pr, "writer", "/preview");
      const created = await lifecycle.run({ kind: "create", pr, actor: "writer", trigger: "comment" });
      assert.equal(created.outcome, "deployed", `the preview is deployed: ${created.detail}\n${log.join("").slice(-3000)}`);
      assert.equal((await engine.outputs(stack)).databaseSource?.value, "pool", "the stack says its database is a pool member");

      // The app is linked to the oldest member (claims take the oldest), and reads the snapshot's rows through it.
      const claimed = members[0]!;
      const state = new StateStore(world.dokku.stateDir).read();
      assert.deepEqual(state.mysql[claimed]?.links, [`restant-${stack}`], `the app is linked to ${claimed}`);
      assert.equal(state.mysql[`restant-${stack}`], undefined, "no direct clone was made");
      const url = (await world.dokku.operator(["config:get", `restant-${stack}`, "DATABASE_URL"])).stdout.trim();
      const database = new URL(url).pathname.slice(1);
      assert.equal(database, state.mysql[claimed]!.database, "DATABASE_URL is the member's");
      const count = async (db: string) => (await runSql(testMariaDb()!, `SELECT COUNT(*) FROM \`${db}\`.users;`)).trim();
      const users = await count(database);
      assert.ok(Number(users) > 0 && users === (await count(state.mysql[platformSnapshot()]!.database)), `the app sees the snapshot's ${users} users`);

      const comment = github.state.commentsOn(pr).find((c) => c.author === "github-actions[bot]" && readPreviewStatus(c.body));
      assert.ok(comment, "the PR has the preview comment");
      const row = comment.body.split("\n").find((line) => line.startsWith("| Database |"));
      assert.match(row ?? "", /^\| Database \| a warm pool member/, `the comment says the database is a pool member: ${comment.body}`);

      github.state.close(pr);
      const closed = await lifecycle.run({ kind: "destroy", pr, actor: "writer", trigger: "close" });
      assert.equal(closed.outcome, "destroyed", `closing destroys the preview: ${closed.detail}`);
      assert.equal((await world.dokku.operator(["mysql:exists", claimed])).code === 0, false, "the claimed member is destroyed, never returned");
      const registry = (await world.dokku.operator(["redis:connect", "restant-previews"], `HEXISTS restant:mysql-pool ${claimed}\n`)).stdout.trim();
      assert.equal(registry, "0", "the registry forgets it");
      return `refill made ${members.length} members; /preview claimed ${claimed}, the app read ${users} users through it; comment: "${row}"; close destroyed it`;
    } finally {
      await stop();
    }
  },
};

function platformSnapshot(): string {
  const chosen = chooseStack({ stack: "platform" });
  const spec = loadStackSpec(chosen.config, { stack: chosen.stack, origin: chosen.origin });
  if (spec.kind !== "platform") throw new Error("stacks/Pulumi.platform.yaml is not the platform");
  return spec.snapshot.service;
}

/** The platform's refill job, generated from the platform stack's spec, run as root; the member names, oldest first. */
async function fillPool(world: EngineWorld): Promise<string[]> {
  const chosen = chooseStack({ stack: "platform" });
  const spec = loadStackSpec(chosen.config, { stack: chosen.stack, origin: chosen.origin });
  if (spec.kind !== "platform" || spec.pool === undefined) throw new Error("the platform stack has no warm pool");
  const scratch = mkdtempSync(path.join(tmpdir(), "restant-engine-pool-"));
  try {
    const { pool } = spec;
    const script = poolRefillScript({
      snapshot: spec.snapshot.service,
      size: pool.size,
      prefix: pool.prefix,
      memberPattern: pool.memberPattern,
      registry: pool.registry,
      redisService: pool.redisService,
      lockPath: path.join(scratch, "lock"),
      generationPath: path.join(scratch, "generation"),
    });
    const result = await runAsRoot(world.dokku, script);
    if (result.code !== 0) throw new Error(`the pool refill failed (${result.code}): ${result.stderr}`);
    const pattern = new RegExp(pool.memberPattern);
    const members = Object.keys(new StateStore(world.dokku.stateDir).read().mysql).filter((name) => pattern.test(name)).sort();
    assert.equal(members.length, pool.size, `the refill made ${pool.size} members`);
    return members;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
