import { strict as assert } from "node:assert";
import { readPreviewStatus } from "../../../scripts/lifecycle/preview-comment";
import { PreviewLifecycle } from "../../../scripts/lifecycle/preview-lifecycle";
import { runSql, testMariaDb } from "../../doubles/dokku/services/mariadb";
import { startDokkuServer } from "../../support/dokku-server";
import { loadSnapshot } from "../../support/snapshot-data";
import { TEAM_ZONE } from "../../support/team-values";
import type { EngineWorld } from "../engine-world";
import { openPreviewPr } from "../preview-pr";
import { slotHolders } from "../redis-slots";
import type { Scenario } from "../scenario";
import { projectOnWorld } from "./preview-lifecycle";

const SHA = "7777777777777777777777777777777777777777";
const TAKEN_AT = "2026-11-26T03:17:02Z";
/** restant:database.snapshotService's default (restant-snapshot) as a database on the previews' Forge server. */
const SNAPSHOT_DATABASE = "restant_snapshot";

/**
 * A preview on Forge on the real engine, the whole path a `/preview` comment takes: the lifecycle (GitHub double) →
 * the preview's stack config on a Pulumi.yaml whose restant:forge gives previews a server of their own → the real
 * program → the Forge providers in the engine's dynamic-provider host: the site, its basic auth, database and user
 * against the Forge double; the snapshot copy and the Redis slot over real SSH as forge against real MariaDB and
 * Redis → the app's health over HTTPS behind basic auth → the stack's outputs → the PR comment. Closing the PR
 * destroys it: the copy is emptied, the slot flushed and freed.
 */
export const forgePreviewScenario: Scenario = {
  name: "forge preview: /preview on the previews' own Forge server, snapshot copied and verified, Redis slot claimed, comment says so, close frees both",
  async run({ session, world: startWorld }) {
    const world = await startWorld();
    const server = await startDokkuServer({ forgeUser: true });
    const mariadb = testMariaDb();
    if (!mariadb) throw new Error("no test MariaDB: run through test/services/start.sh");
    await runSql(mariadb, `DROP DATABASE IF EXISTS \`${SNAPSHOT_DATABASE}\`; CREATE DATABASE \`${SNAPSHOT_DATABASE}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;`);
    await loadSnapshot(mariadb, SNAPSHOT_DATABASE, 0.01);
    await runSql(mariadb, `USE \`${SNAPSHOT_DATABASE}\`; CREATE TABLE restant_snapshot_info (taken_at CHAR(20) NOT NULL); INSERT INTO restant_snapshot_info VALUES ('${TAKEN_AT}');`);
    const forge = world.forge;
    // What Forge does on the previews' server for the API's database calls: the database itself, on real MariaDB.
    forge.state.serverDatabases = {
      create: async (name) => void (await runSql(mariadb, `CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;`)),
      drop: async (name) => void (await runSql(mariadb, `DROP DATABASE IF EXISTS \`${name}\`;`)),
    };
    // The team's Pulumi.yaml: production's server is another one; previews run on the double's, reached at the sshd.
    const previewsWorld: EngineWorld = {
      ...world,
      env: { ...world.env, FORGE_SSH_PRIVATE_KEY: server.privateKey },
      config: {
        ...world.config,
        "restant:runtime": JSON.stringify("forge"),
        "restant:forge": JSON.stringify({
          organization: forge.organization,
          serverId: forge.serverId + 1000,
          ipv4: "95.216.10.30",
          previews: { serverId: forge.serverId, ipv4: "127.0.0.1", ssh: { host: server.host, port: server.port, hostKey: server.hostKey }, redisPort: Number(process.env.RESTANT_TEST_REDIS_PORT) },
        }),
      },
    };
    const project = projectOnWorld(session.projectCopy(), previewsWorld);
    const { github, pr, stack, engine, deps, log, stop } = await openPreviewPr(session, previewsWorld, project, { headRef: "feat/forge-preview", sha: SHA, runId: "11" });
    try {
      const lifecycle = new PreviewLifecycle(deps);
      github.state.addComment(pr, "writer", "/preview");
      const created = await lifecycle.run({ kind: "create", pr, actor: "writer", trigger: "comment" });
      assert.equal(created.outcome, "deployed", `the preview is deployed: ${created.detail}\n${log.join("").slice(-3000)}`);

      const outputs = await engine.outputs(stack);
      assert.equal(outputs.databaseSource?.value, "copy", "the stack says its database is a copy of the snapshot");
      assert.equal(outputs.snapshotTakenAt?.value, TAKEN_AT, "the stack exports the snapshot's time, read from the copy");
      const slot = Object.entries(slotHolders()).find(([, holder]) => holder === stack)?.[0];
      assert.ok(slot !== undefined, "the preview holds a slot on the previews' server's Redis");
      const site = forge.state.siteNamed(`restant-${stack}.${TEAM_ZONE}`);
      assert.ok(site, "the site is on the previews' server");
      assert.match(site.environment, new RegExp(`^REDIS_DB='${slot}'$`, "m"), `the .env holds the claimed slot ${slot}: ${site.environment.split("\n").filter((l) => l.startsWith("REDIS")).join(" ")}`);
      const database = `restant_${stack.replace("-", "_")}`;
      const count = async (db: string) => (await runSql(mariadb, `SELECT COUNT(*) FROM \`${db}\`.users;`)).trim();
      const users = await count(database);
      assert.ok(Number(users) > 0 && users === (await count(SNAPSHOT_DATABASE)), `the preview's database holds the snapshot's ${users} users`);

      const comment = github.state.commentsOn(pr).find((c) => c.author === "github-actions[bot]" && readPreviewStatus(c.body));
      assert.ok(comment, "the PR has the preview comment");
      const row = comment.body.split("\n").find((line) => line.startsWith("| Database |"));
      assert.match(row ?? "", /^\| Database \| copied from the masked snapshot on the previews' Forge server and verified/, `the comment says where the data came from: ${comment.body}`);
      assert.match(comment.body, new RegExp(`\\| Database snapshot \\| \\d+ (h|days) old \\(taken ${TAKEN_AT}\\) \\|`), `the comment shows the snapshot's age: ${comment.body}`);

      github.state.close(pr);
      const closed = await lifecycle.run({ kind: "destroy", pr, actor: "writer", trigger: "close" });
      assert.equal(closed.outcome, "destroyed", `closing destroys the preview: ${closed.detail}\n${log.join("").slice(-3000)}`);
      assert.equal(Object.values(slotHolders()).includes(stack), false, "the slot is freed");
      assert.equal(forge.state.siteNamed(`restant-${stack}.${TEAM_ZONE}`), undefined, "the site is gone");
      const left = await runSql(mariadb, `SELECT COUNT(*) FROM information_schema.schemata WHERE schema_name = '${database}';`);
      assert.equal(left.trim(), "0", "the preview's database is gone from the server (emptied by the copy's delete, then dropped through Forge)");
      return `/preview made ${stack} on Forge server ${forge.serverId} (production's is ${forge.serverId + 1000}): ${users} users copied and verified, slot ${slot}; comment: "${row}"; close freed both`;
    } finally {
      forge.state.serverDatabases = undefined;
      await stop();
      await runSql(mariadb, `DROP DATABASE IF EXISTS \`${SNAPSHOT_DATABASE}\`;`).catch(() => undefined);
      await server.stop();
    }
  },
};

