import { BranchDeploy, type DeployResult } from "../../scripts/lifecycle/branch-deploy";
import type { Clock } from "../../scripts/lifecycle/clock";
import { deployTargetFromEvent } from "../../scripts/lifecycle/github-event";
import { httpsHealthProbe } from "../../scripts/lifecycle/health-check";
import type { LifecycleDeps } from "../../scripts/lifecycle/lifecycle-deps";
import { OctokitGitHubApi } from "../../scripts/lifecycle/octokit-github-api";
import { settingsFromEnv } from "../../scripts/lifecycle/settings";
import type { AutomationStackEngine } from "../../scripts/lifecycle/automation-stack-engine";
import { HttpsAppDouble } from "../doubles/app/https-app";
import { GitHubDouble } from "../doubles/github/github-double";
import type { EngineSession } from "./engine-session";
import type { EngineWorld } from "./engine-world";
import { lifecycleEngine } from "./lifecycle-engine";

/** Pushes to a long-lived branch as deploy.yml hands them to scripts/deploy, and what they reach. */
export interface BranchPushes {
  github: GitHubDouble;
  /** The deployed app over HTTPS, as the health check meets it: set its `answer`. */
  app: HttpsAppDouble;
  engine: AutomationStackEngine;
  deps: LifecycleDeps;
  /** What the lifecycle and the engine said, for assertion messages. */
  log: string[];
  /** A push of `sha` to `branch`: the push event → BranchDeploy (scripts/deploy.ts's class) with the workflow's settings. */
  push(branch: string, sha: string): Promise<DeployResult>;
  stop(): Promise<void>;
}

/** The settings lifecycle.yml's script step gives scripts/deploy on a push. */
const WORKFLOW_ENV = {
  GITHUB_REPOSITORY: "restant/environments",
  GITHUB_SERVER_URL: "https://github.com",
  GITHUB_RUN_ID: "900",
  GITHUB_ACTOR: "maintainer",
  RESTANT_HEALTH_TIMEOUT_MINUTES: "2",
};

/**
 * The GitHub double (the pushed commits, Deployments), the app's HTTPS double, and the deps scripts/deploy.ts gives
 * BranchDeploy: the scripts' StackEngine on the real CLI over `project` (program inline, the policy pack as an
 * analyzer), the real health probe, the health check's backoff in fake time.
 */
export async function openBranchPushes(session: EngineSession, world: EngineWorld, project: string): Promise<BranchPushes> {
  const github = await new GitHubDouble().start();
  const app = await HttpsAppDouble.start();
  const log: string[] = [];
  const say = (text: string) => void log.push(text);
  const engine = lifecycleEngine(session, world, project, say);
  const deps: LifecycleDeps = {
    engine,
    github: new OctokitGitHubApi({ token: github.acceptedToken, owner: "restant", repo: "environments", baseUrl: github.url, paceWrites: false, log: () => {} }),
    clock: fastClock(),
    probe: httpsHealthProbe({ resolve: { "*": app.address }, extraCa: [app.caPem] }),
    settings: settingsFromEnv(WORKFLOW_ENV, project),
    sentry: undefined,
    log: say,
  };
  return {
    github,
    app,
    engine,
    deps,
    log,
    push: (branch, sha) => {
      github.state.addCommit(sha);
      return new BranchDeploy(deps).run(deployTargetFromEvent("push", { ref: `refs/heads/${branch}`, after: sha }, WORKFLOW_ENV));
    },
    stop: async () => {
      await app.stop();
      await github.stop();
    },
  };
}

/** The health check's backoff in fake time: its waits pass at once. */
function fastClock(): Clock {
  let offset = 0;
  return { now: () => new Date(Date.now() + offset), sleep: async (ms) => void (offset += ms) };
}
