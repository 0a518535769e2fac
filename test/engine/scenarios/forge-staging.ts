import { strict as assert } from "node:assert";
import type { ForgeDouble } from "../../doubles/forge/server";
import type { SiteRecord } from "../../doubles/forge/state";
import { TEAM_VALUES, TEAM_ZONE } from "../../support/team-values";
import { providerCommands } from "../dokku-commands";
import { openBranchPushes } from "../branch-push";
import type { Scenario } from "../scenario";
import { standInCloud } from "../stand-in-cloud";

const STACK = "staging";
const HOST = `restant.staging.${TEAM_ZONE}`;
const USER = "restant-staging";
const DATABASE = "restant_staging";
const FIRST_COMMIT = "5555555555555555555555555555555555555555";
const SECOND_COMMIT = "6666666666666666666666666666666666666666";

/**
 * Staging with `restant:runtime: forge` on the real engine, the whole path a push takes: the push event → scripts/deploy's
 * BranchDeploy with the workflow's settings → staging's stack config (the operator's `restant:runtime: forge`, the
 * pushed `restant:commit`) → the real program → the Forge providers in the real engine's dynamic-provider host → the
 * stateful Forge double over loopback, then the health check over HTTPS and GitHub's Deployments. The first push makes
 * the site, database, user, .env, worker, deployment of the commit and certificate; the same push again only reads
 * Forge; a PHP version and a .env line changed by hand in Forge are drift the scheduled check's
 * `preview --refresh --expect-no-changes` names, and the next push (a new commit) puts them back and deploys that
 * commit; destroy leaves nothing of the stack on Forge or in the stand-in clouds; stack rm. No dokku command is sent
 * all along: the runtime is Forge's.
 */
export const forgeStagingScenario: Scenario = {
  name: "forge staging: push deploys, same push reads only, drift caught and repaired by the next push, destroy",
  async run({ session, world: startWorld }) {
    const world = await startWorld();
    const forge = world.forge;
    const putStandInBack = world.freeStagingFlagsmith();
    const pushes = await openBranchPushes(session, world, session.projectCopy());
    const { engine, log } = pushes;
    // The app answers its health check once the site's last deployment has finished.
    pushes.app.answer = (request) => {
      const site = forge.state.siteNamed(HOST);
      if (request.host !== HOST || !site) return 404;
      return forge.state.deployments.filter((d) => d.siteId === site.id).at(-1)?.status === "finished" ? 200 : 503;
    };
    const push = async (sha: string) => {
      const result = await pushes.push(STACK, sha);
      assert.equal(result.outcome, "deployed", `the push of ${sha.slice(0, 4)} deploys: ${result.detail}\n${log.join("").slice(-3000)}`);
    };
    const cloud = standInCloud(session);
    const seen: string[] = [];
    world.dokku.resetCounters();
    try {
      // What the operator's stack file holds: the world's servers and the Forge runtime; the script adds the commit.
      await engine.prepare({ stack: STACK, kind: "staging", config: { ...world.config, "restant:runtime": "forge" } });
      forge.requests.length = 0;
      await push(FIRST_COMMIT);
      const site = siteOf(forge);
      assert.deepEqual(
        { status: site.status, isolated: site.isolated, user: site.user, php: site.phpVersion, web: site.webDirectory, repository: site.repository },
        { status: "installed", isolated: true, user: USER, php: "php84", web: "/public", repository: { provider: "custom", url: TEAM_VALUES["restant:gitRepository"], branch: "staging" } },
      );
      const database = forge.state.databases.find((d) => d.name === DATABASE);
      const login = forge.state.databaseUsers.find((u) => u.name === DATABASE);
      assert.ok(database?.status === "installed" && login?.status === "installed", "the database and its user are installed");
      assert.deepEqual(login.databaseIds, [database.id], "the user has the stack's database");
      const env = () => dotenvValues(siteOf(forge).environment);
      assert.deepEqual(
        pick(env(), ["APP_ENV", "APP_URL", "DB_DATABASE", "DB_USERNAME", "SENTRY_RELEASE"]),
        { APP_ENV: "staging", APP_URL: `https://${HOST}`, DB_DATABASE: DATABASE, DB_USERNAME: DATABASE, SENTRY_RELEASE: FIRST_COMMIT },
      );
      assert.equal(env().DB_PASSWORD, login.password, "the .env holds the password the user was made with");
      assert.ok(forge.state.backgroundProcesses.some((p) => p.name === `${USER}-queue` && p.user === USER && p.status === "running"), "the queue worker runs as the site's user");
      assert.deepEqual(deployed(forge), [[FIRST_COMMIT, "finished"]], "one deployment, of the commit");
      assert.ok(site.deployScript.includes(`git checkout --force --detach ${FIRST_COMMIT}`), "the deploy script checks out the commit");
      assert.equal(site.domains[0]?.certificate?.status, "installed", "Let's Encrypt's certificate is installed");
      assert.ok(forge.requests.some((r) => r.method === "POST" && r.path.endsWith("/sites") && r.status === 202), "the site was made asynchronously (202) and waited on");
      seen.push(`first push: ${forge.writes().length} writes, ${forge.requests.length} requests`);

      forge.requests.length = 0;
      await push(FIRST_COMMIT);
      assert.deepEqual(forge.writes(), [], "the same push again (its up: refresh, preview, up) writes nothing to Forge");
      assert.ok(forge.requests.length > 0 && forge.requests.every((r) => r.method === "GET"), "it only reads (its refresh)");
      seen.push(`same push again: 0 writes, ${forge.requests.length} reads`);

      siteOf(forge).phpVersion = "php82";
      siteOf(forge).environment = siteOf(forge).environment.replace("APP_ENV='staging'", "APP_ENV='edited-by-hand'");
      assert.equal(env().APP_ENV, "edited-by-hand");
      const drift = await engine.checkDrift(STACK);
      assert.equal(drift.kind, "drifted", `the drift check sees the hand edits: ${JSON.stringify(drift)}`);
      const named = drift.kind === "drifted" ? drift.resources.map((r) => `${r.op} ${r.urn.split("::").pop()}: ${r.fields.map((f) => f.path).join(", ")}`).sort() : [];
      assert.deepEqual(named, ["update restant-runtime-env: content", "update restant-runtime-site: phpVersion"], "it names the site's PHP version and the .env, nothing else");
      seen.push(`drift: ${named.join("; ")}`);

      forge.requests.length = 0;
      await push(SECOND_COMMIT);
      assert.equal(siteOf(forge).phpVersion, "php84", "the next deploy puts PHP back");
      assert.equal(env().APP_ENV, "staging", "and the .env");
      assert.equal(env().SENTRY_RELEASE, SECOND_COMMIT);
      assert.deepEqual(deployed(forge), [[FIRST_COMMIT, "finished"], [SECOND_COMMIT, "finished"]], "the new commit is deployed");
      const writes = forge.writes().map((w) => `${w.method} ${w.path.replace(/^.*\/sites\/\d+/, "site")}`).sort();
      assert.deepEqual(writes, ["POST site/deployments", "PUT site", "PUT site/deployments/script", "PUT site/environment"], "the deploy writes only what changed");
      const deployments = pushes.github.state.deployments.map((d) => `${d.sha.slice(0, 4)}: ${d.statuses.map((status) => status.state).join(" ")}`);
      assert.deepEqual(deployments, ["5555: in_progress success inactive", "5555: in_progress success inactive", "6666: in_progress success"], "GitHub's Deployments show each push verified");
      seen.push(`new commit: ${writes.join(", ")}; GitHub: ${deployments.join(", ")}`);

      await engine.destroy(STACK);
      const left = leftOnForge(forge);
      assert.ok(left.every((record) => record.status === "removing"), `destroy removes everything of the stack: ${JSON.stringify(left)}`);
      forge.state.finishPending();
      assert.deepEqual(leftOnForge(forge), [], "nothing of the stack is left on Forge once its queue has run");
      assert.deepEqual(forge.state.deployments, [], "the site's deployments went with it");
      assert.equal(cloud.total(), 0, `no bridged resource after destroy: ${JSON.stringify(cloud.summary())}`);
      assert.equal(world.flagsmith.state.liveEnvironments(world.flagsmith.project.id).some((e) => e.name === "staging"), false, "no Flagsmith environment after destroy");
      await engine.remove(STACK);
      assert.equal((await engine.listStacks()).some((s) => s.name === STACK), false, "stack rm removed the stack");
      assert.deepEqual(providerCommands(world.dokku), [], "a stack on Forge sends Dokku nothing");
      seen.push(`destroy: nothing left on Forge, stack rm; 0 dokku commands`);
      return seen.join("; ");
    } finally {
      await pushes.stop();
      putStandInBack();
    }
  },
};

function siteOf(forge: ForgeDouble): SiteRecord {
  const site = forge.state.siteNamed(HOST);
  assert.ok(site, `Forge has a site for ${HOST}`);
  return site;
}

/** [commit, status] of each deployment of the stack's site, oldest first. */
function deployed(forge: ForgeDouble): [string, string][] {
  const site = siteOf(forge);
  return forge.state.deployments.filter((d) => d.siteId === site.id).map((d) => [d.commit, d.status]);
}

/** What is still on Forge under the stack's names: its site, database, user, worker. */
function leftOnForge(forge: ForgeDouble): { what: string; status: string }[] {
  const { sites, databases, databaseUsers, backgroundProcesses } = forge.state;
  return [
    ...sites.filter((s) => s.name === HOST || s.user === USER).map((s) => ({ what: `site ${s.name}`, status: s.status })),
    ...databases.filter((d) => d.name === DATABASE).map((d) => ({ what: `database ${d.name}`, status: d.status })),
    ...databaseUsers.filter((u) => u.name === DATABASE).map((u) => ({ what: `database user ${u.name}`, status: u.status })),
    ...backgroundProcesses.filter((p) => p.user === USER).map((p) => ({ what: `background process ${p.name}`, status: p.status })),
  ];
}

/** The .env's variables as phpdotenv reads the single-quoted values components/forge/dotenv.ts writes. */
function dotenvValues(content: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const line of content.split("\n")) {
    const match = /^([A-Z_][A-Z0-9_]*)='((?:[^'\\]|\\.)*)'$/.exec(line);
    if (match) values[match[1]!] = match[2]!.replace(/\\(.)/g, "$1");
  }
  return values;
}

function pick(values: Record<string, string>, keys: string[]): Record<string, string | undefined> {
  return Object.fromEntries(keys.map((key) => [key, values[key]]));
}
