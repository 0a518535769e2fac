import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type * as BranchDeployModule from "../../scripts/lifecycle/branch-deploy";
import type * as HealthCheckModule from "../../scripts/lifecycle/health-check";
import type * as OctokitModule from "../../scripts/lifecycle/octokit-github-api";
import type * as SettingsModule from "../../scripts/lifecycle/settings";
import type { Clock } from "../../scripts/lifecycle/clock";
import type { LifecycleDeps } from "../../scripts/lifecycle/lifecycle-deps";
import { HttpsAppDouble } from "../doubles/app/https-app";
import { GitHubDouble } from "../doubles/github/github-double";
import { requireBuilt } from "../support/built";
import { type DokkuServer, startDokkuServer } from "../support/dokku-server";
import { DokkuPlanEngine } from "../support/dokku-plan-engine";

/**
 * A deploy whose check fails, on the Dokku double with real MariaDB: staging runs A with data in its database; B is
 * deployed (git:sync at B), its health check from outside fails (the app double answers 503 while Dokku runs B), and
 * the lifecycle rolls back: the server runs A again, the rows are what they were, and GitHub's Deployments say so.
 */
type MariaDb = typeof import("../doubles/dokku/services/mariadb");
type Store = typeof import("../doubles/dokku/state/store");
const { testMariaDb, runSql } = requireBuilt<MariaDb>("test/doubles/dokku/services/mariadb.ts");
const { StateStore } = requireBuilt<Store>("test/doubles/dokku/state/store.ts");
const { BranchDeploy } = requireBuilt<typeof BranchDeployModule>("scripts/lifecycle/branch-deploy.ts");
const { httpsHealthProbe } = requireBuilt<typeof HealthCheckModule>("scripts/lifecycle/health-check.ts");
const { OctokitGitHubApi } = requireBuilt<typeof OctokitModule>("scripts/lifecycle/octokit-github-api.ts");
const { settingsFromEnv } = requireBuilt<typeof SettingsModule>("scripts/lifecycle/settings.ts");

const A = "1111111111111111111111111111111111111111";
const B = "2222222222222222222222222222222222222222";
const APP = "restant-staging";

/** Fake time for the check's backoff (10 minutes of it pass in milliseconds). */
const fakeClock = (): Clock => {
  let now = Date.parse("2026-11-28T12:00:00Z");
  return { now: () => new Date(now), sleep: async (ms) => void (now += ms) };
};

let server: DokkuServer;
let github: GitHubDouble;
let app: HttpsAppDouble;
let deps: LifecycleDeps;
let database: string;

const mariadb = () => testMariaDb() ?? (() => { throw new Error("run through test/services/start.sh"); })();
const operator = async (...args: string[]) => {
  const result = await server.operator(args);
  if (result.code !== 0) throw new Error(`dokku ${args.join(" ")} exited ${result.code}: ${result.stderr}`);
  return result.stdout;
};
/** The commit Dokku's running release was built from. */
const runningCommit = () => new StateStore(server.stateDir).read().apps[APP]?.release?.ref;
const rows = async () => (await runSql(mariadb(), `SELECT COUNT(*), SUM(id) FROM \`${database}\`.tenants`)).trim();

beforeAll(async () => {
  server = await startDokkuServer();
  github = await new GitHubDouble().start();
  app = await HttpsAppDouble.start();
  for (const sha of [A, B]) github.state.addCommit(sha);
  // Staging as the seed set it up: the app, its database with data, linked.
  await operator("apps:create", APP);
  await operator("mysql:create", APP);
  await operator("mysql:link", APP, APP, "--no-restart");
  database = new StateStore(server.stateDir).read().mysql[APP]!.database;
  await runSql(mariadb(), `USE \`${database}\`; CREATE TABLE tenants (id INT PRIMARY KEY, name VARCHAR(64)); INSERT INTO tenants SELECT seq, CONCAT('t', seq) FROM seq_1_to_250;`);
  // The app is healthy unless the release Dokku runs was built from B.
  app.answer = (request) => (request.host === "restant.staging.example.com" && request.path === "/up" ? (runningCommit() === B ? 503 : 200) : 404);

  const target = { host: server.host, port: server.port, user: "dokku", hostKey: server.hostKey, ipv4: "203.0.113.10" };
  const settings = settingsFromEnv({ GITHUB_REPOSITORY: "restant/environments", GITHUB_SERVER_URL: "https://github.com", GITHUB_RUN_ID: "7", GITHUB_ACTOR: "maintainer" }, process.cwd());
  deps = {
    engine: new DokkuPlanEngine(server, { "restant:dokku": JSON.stringify(target) }),
    github: new OctokitGitHubApi({ token: github.acceptedToken, owner: "restant", repo: "environments", baseUrl: github.url, paceWrites: false, log: () => {} }),
    clock: fakeClock(),
    probe: httpsHealthProbe({ resolve: { "*": app.address }, extraCa: [app.caPem] }),
    settings,
    sentry: undefined,
    log: () => {},
  };
}, 300_000);

afterAll(async () => {
  await app?.stop();
  await github?.stop();
  await server?.stop();
});

describe("a deploy whose check fails, on the Dokku double", () => {
  it("rolls back to the previous commit: Dokku runs the old commit again and no row changed", async () => {
    expect(await new BranchDeploy(deps).run({ kind: "deploy", branch: "staging", sha: A })).toMatchObject({ outcome: "deployed" });
    expect(runningCommit()).toBe(A);
    const before = await rows();

    server.resetCounters();
    const result = await new BranchDeploy(deps).run({ kind: "deploy", branch: "staging", sha: B });
    expect(result.outcome).toBe("rolled-back");
    expect(result.detail).toMatch(/failed its check \(health check failed: 503 after 9\.\d min\); rollback: rolled-back/);

    // The server: B was built, then A again; the app's running release is A's.
    const syncs = server.commands().filter((c) => c.argv[0] === "git:sync").map((c) => c.argv.at(-1));
    expect(syncs).toEqual([B, A]);
    expect(runningCommit()).toBe(A);
    expect((await operator("git:report", APP, "--git-sha")).trim()).toBe(A);
    // The database was never part of it: the same rows, and no mysql command ran during the deploy and rollback.
    expect(await rows()).toBe(before);
    expect(server.commands().filter((c) => c.argv[0]!.startsWith("mysql:"))).toEqual([]);

    // What GitHub shows: B failed, the rollback to A succeeded, A's first deployment was superseded.
    const shown = github.state.deployments.map((d) => [d.sha, (d.payload as { kind: string }).kind, d.statuses.map((s) => s.state)]);
    expect(shown).toEqual([
      [A, "deploy", ["in_progress", "success", "inactive"]],
      [B, "deploy", ["in_progress", "failure"]],
      [A, "rollback", ["in_progress", "success"]],
    ]);
    expect(app.requests.filter((r) => r.path === "/up").length).toBeGreaterThan(3);
  });
});
