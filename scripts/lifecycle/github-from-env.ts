import type { GitHubApi } from "./github-api";
import { OctokitGitHubApi } from "./octokit-github-api";
import { PlatformLayoutGitHubApi } from "./platform-layout-github-api";
import type { LifecycleSettings } from "./settings";

/**
 * What a script talks to on GitHub. `app`: the repository whose pull requests and commits the environments run
 * (previews, deploys, the reaper); `platform`: this repository only (the drift check's issues). In the app-repository
 * layout both are this repository, through the run's GITHUB_TOKEN.
 */
export type GitHubScope = "app" | "platform";

/** Whom the run's own GITHUB_TOKEN writes as: issues and comments it makes are authored by this login. */
export const GITHUB_ACTIONS_LOGIN = "github-actions[bot]";

/**
 * A script's GitHub client and the login its writes appear as. The lifecycle trusts state (a drift issue, the breaker's
 * issue, a preview comment) only when that login wrote it, so the login must be the one of the token this client
 * writes with, never another scope's.
 */
export interface ScopedGitHub {
  api: GitHubApi;
  botLogin: string;
}

/** The permissions RESTANT_APP_GITHUB_TOKEN needs on the app repository, as a fine-grained token names them. */
export const APP_TOKEN_PERMISSIONS = "Pull requests, Issues and Deployments: read and write; Metadata: read";

/**
 * The GitHub client of a CI script. In the platform layout (RESTANT_APP_REPOSITORY) the app repository is reached
 * with RESTANT_APP_GITHUB_TOKEN, and RESTANT_BOT_LOGIN must say whom that token comments as (the lifecycle trusts only
 * its own comments); both are refused missing before any stack is touched.
 *
 * The login follows the token: in the app-repository layout the run's GITHUB_TOKEN writes everything, as
 * RESTANT_BOT_LOGIN (default github-actions[bot], for a workflow that passes another token as GITHUB_TOKEN); in the
 * platform layout the app scope writes with RESTANT_APP_GITHUB_TOKEN, as RESTANT_BOT_LOGIN, and the platform scope
 * with the run's GITHUB_TOKEN, as github-actions[bot] (RESTANT_BOT_LOGIN names the app token there, not this one).
 */
export function githubFromEnv(env: NodeJS.ProcessEnv, settings: LifecycleSettings, scope: GitHubScope, log: (text: string) => void): ScopedGitHub {
  const token = env.GITHUB_TOKEN;
  if (!token) throw new Error("GITHUB_TOKEN must be set (the workflow passes secrets.GITHUB_TOKEN)");
  const baseUrl = env.GITHUB_API_URL ? { baseUrl: env.GITHUB_API_URL } : {};
  const platform = new OctokitGitHubApi({ token, owner: settings.owner, repo: settings.repo, ...baseUrl, log });
  const app = settings.appRepository;
  if (!app) return { api: platform, botLogin: settings.botLogin };
  if (scope === "platform") return { api: platform, botLogin: GITHUB_ACTIONS_LOGIN };
  const name = `${app.owner}/${app.repo}`;
  const appToken = env.RESTANT_APP_GITHUB_TOKEN ?? "";
  if (appToken === "") {
    throw new Error(
      `RESTANT_APP_GITHUB_TOKEN must be set: with RESTANT_APP_REPOSITORY the pull requests, comments and GitHub Deployments are ${name}'s, ` +
        `which this run's GITHUB_TOKEN cannot write. Give it a token on ${name} (fine-grained: ${APP_TOKEN_PERMISSIONS}) as the RESTANT_APP_GITHUB_TOKEN secret`,
    );
  }
  if ((env.RESTANT_BOT_LOGIN ?? "") === "") {
    throw new Error(
      "RESTANT_BOT_LOGIN must be set with RESTANT_APP_GITHUB_TOKEN: the login that token comments as (the user of a personal access " +
        "token, `<app-slug>[bot]` for a GitHub App), so the lifecycle recognises its own comments on the app's pull requests",
    );
  }
  const api = new PlatformLayoutGitHubApi(new OctokitGitHubApi({ token: appToken, owner: app.owner, repo: app.repo, ...baseUrl, log }), platform);
  return { api, botLogin: settings.botLogin };
}
