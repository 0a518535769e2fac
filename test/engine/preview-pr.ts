import { httpsHealthProbe } from "../../scripts/lifecycle/health-check";
import type { LifecycleDeps } from "../../scripts/lifecycle/lifecycle-deps";
import { OctokitGitHubApi } from "../../scripts/lifecycle/octokit-github-api";
import { settingsFromEnv } from "../../scripts/lifecycle/settings";
import { systemClock } from "../../scripts/lifecycle/clock";
import type { AutomationStackEngine } from "../../scripts/lifecycle/automation-stack-engine";
import { HttpsAppDouble } from "../doubles/app/https-app";
import { GitHubDouble } from "../doubles/github/github-double";
import type { EngineSession } from "./engine-session";
import type { EngineWorld } from "./engine-world";
import { lifecycleEngine } from "./lifecycle-engine";

/** A writer's open PR on the GitHub double, its preview app answering HTTPS behind basic auth, and the lifecycle's deps. */
export interface PreviewPr {
  github: GitHubDouble;
  pr: number;
  stack: string;
  engine: AutomationStackEngine;
  deps: LifecycleDeps;
  /** What the lifecycle and the engine said, for assertion messages. */
  log: string[];
  stop(): Promise<void>;
}

/**
 * What every preview scenario on the real engine starts from: the GitHub double with a writer's PR at `sha`, the
 * preview's HTTPS app double answering 200 only to the basic-auth password its stack generated, and the deps
 * scripts/preview.ts would give PreviewLifecycle (real CLI through the Automation API, real health probe).
 */
export async function openPreviewPr(session: EngineSession, world: EngineWorld, project: string, pull: { headRef: string; sha: string; runId: string }): Promise<PreviewPr> {
  const github = await new GitHubDouble().start();
  const app = await HttpsAppDouble.start();
  const log: string[] = [];
  const say = (text: string) => void log.push(text);
  github.setRole("writer", "write");
  github.state.workflows.set("preview.yml", ["pr", "action"]);
  const pr = github.state.openPullRequest({ author: "writer", headRef: pull.headRef, headSha: pull.sha });
  const stack = `pr-${pr}`;
  const engine = lifecycleEngine(session, world, project, say);
  app.answer = async (request) => {
    const password = (await engine.outputs(stack)).basicAuthPassword?.value;
    return request.basicAuth?.user === "restant" && request.basicAuth.password === password ? 200 : 401;
  };
  const deps: LifecycleDeps = {
    engine,
    github: new OctokitGitHubApi({ token: github.acceptedToken, owner: "restant", repo: "environments", baseUrl: github.url, paceWrites: false, log: say }),
    clock: systemClock,
    probe: httpsHealthProbe({ resolve: { "*": app.address }, extraCa: [app.caPem] }),
    settings: settingsFromEnv({ GITHUB_REPOSITORY: "restant/environments", GITHUB_SERVER_URL: "https://github.com", GITHUB_RUN_ID: pull.runId }, project),
    sentry: undefined,
    teardown: { backoffMs: [1_000, 1_000] },
    log: say,
  };
  return {
    github,
    pr,
    stack,
    engine,
    deps,
    log,
    stop: async () => {
      await github.stop();
      await app.stop();
    },
  };
}
