import { execFile } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { parse } from "yaml";
import type { GitHubDouble } from "../../doubles/github/github-double";
import type { GitHubState } from "../../doubles/github/github-state";
import { projectRoot } from "../../support/built";

const run = promisify(execFile);

/** The forwarding workflow the platform layout's docs give the app repository. */
export const FORWARD_WORKFLOW = path.join(projectRoot, "docs", "app-repository", "forward-pull-requests.yml");

/**
 * `gh`, as far as the forwarding workflow uses it (`gh api --method POST <path> --input <file>`), sent to the GitHub
 * double with the token the workflow gives it (GH_TOKEN). Any other use fails, so a change to the workflow's call shows.
 */
const GH_SHIM = `#!/bin/sh
set -eu
if [ "$#" -ne 6 ] || [ "$1" != api ] || [ "$2" != --method ] || [ "$3" != POST ] || [ "$5" != --input ]; then
  echo "gh (test shim): unsupported call: $*" >&2
  exit 2
fi
exec curl -sS --fail-with-body -X POST -H "Authorization: token $GH_TOKEN" -H "Accept: application/vnd.github+json" \\
  --data-binary "@$6" "$GH_DOUBLE_URL/$4"
`;

/** What GitHub delivers to the platform's workflows for a repository_dispatch. */
export interface DeliveredEvent {
  name: "repository_dispatch";
  payload: { action: string; client_payload: Record<string, unknown>; sender: { login: string } };
}

/**
 * The app repository of the platform layout, on the same GitHub double as the platform repository, with a token of
 * its own. `forward` runs the app's forwarding workflow step for one of its events (its real `run` text, jq and all)
 * and returns what the platform repository then receives.
 */
export class AppRepository {
  readonly state: GitHubState;
  private readonly dir = mkdtempSync(path.join(os.tmpdir(), "app-repository-"));

  constructor(
    private readonly github: GitHubDouble,
    readonly options: { owner: string; repo: string; token: string; botLogin: string; dispatchToken: string; dispatchUser: string },
  ) {
    this.state = github.addRepository({ owner: options.owner, repo: options.repo, token: options.token, tokenUser: options.botLogin });
    mkdirSync(this.shimDir);
    writeFileSync(path.join(this.shimDir, "gh"), GH_SHIM);
    chmodSync(path.join(this.shimDir, "gh"), 0o755);
  }

  /**
   * The app repository the platform-layout scenarios use: `restant-hq/restant`, whose token writes as
   * `restant-previews`, and which dispatches to the platform repository with the platform double's token.
   */
  static ofTeam(github: GitHubDouble): AppRepository {
    return new AppRepository(github, {
      owner: "restant-hq",
      repo: "restant",
      token: "ghp_app_repository_token",
      botLogin: "restant-previews",
      dispatchToken: github.acceptedToken,
      dispatchUser: "restant-hq-ci",
    });
  }

  /** The platform repository's variables and secret that point its scripts at this repository. */
  get platformEnv(): Record<string, string> {
    return { RESTANT_APP_REPOSITORY: this.fullName, RESTANT_APP_GITHUB_TOKEN: this.options.token, RESTANT_BOT_LOGIN: this.options.botLogin };
  }

  private get shimDir(): string {
    return path.join(this.dir, "bin");
  }

  get fullName(): string {
    return this.state.fullName;
  }

  /** A `pull_request_target` event of the app repository, as GitHub builds it from the PR as it is now. */
  pullRequestEvent(action: string, pr: number, sender: string, label?: string): { name: string; payload: unknown } {
    const issue = this.state.pull(pr);
    const pull = issue.pull!;
    return {
      name: "pull_request_target",
      payload: {
        action,
        number: pr,
        ...(label ? { label: { name: label } } : {}),
        pull_request: {
          number: pr,
          state: issue.state,
          user: { login: issue.author, type: "User" },
          head: { sha: pull.headSha, ref: pull.headRef, repo: pull.headRepo ? { full_name: pull.headRepo } : null },
          base: { ref: pull.baseRef, repo: { full_name: this.fullName } },
          labels: issue.labels.map((name) => ({ name })),
        },
        repository: { full_name: this.fullName },
        sender: { login: sender, type: "User" },
      },
    };
  }

  /** An `issue_comment` event: the comment is made on the PR, as the user. */
  commentEvent(pr: number, user: string, body: string): { name: string; payload: unknown } {
    const issue = this.state.pull(pr);
    this.state.addComment(pr, user, body);
    return {
      name: "issue_comment",
      payload: {
        action: "created",
        issue: { number: pr, user: { login: issue.author }, pull_request: { url: `https://api.github.com/repos/${this.fullName}/pulls/${pr}` } },
        comment: { body, user: { login: user, type: "User" }, author_association: "COLLABORATOR" },
        repository: { full_name: this.fullName },
        sender: { login: user, type: "User" },
      },
    };
  }

  /**
   * Runs the forwarding workflow's step for the event, as the runner would (bash, GITHUB_EVENT_PATH, RUNNER_TEMP,
   * PLATFORM_REPOSITORY, PLATFORM_DISPATCH_TOKEN as GH_TOKEN), and returns the dispatch the platform repository got,
   * as GitHub delivers it to its workflows.
   */
  async forward(event: { name: string; payload: unknown }, platform: GitHubState): Promise<DeliveredEvent> {
    const workflow = parse(readFileSync(FORWARD_WORKFLOW, "utf8")) as { jobs: { forward: { steps: Array<{ run: string }> } } };
    const eventPath = path.join(this.dir, "event.json");
    writeFileSync(eventPath, JSON.stringify(event.payload));
    const before = platform.repositoryDispatches.length;
    await run("bash", ["-e", "-c", workflow.jobs.forward.steps[0]!.run], {
      env: {
        PATH: `${this.shimDir}:${process.env.PATH ?? ""}`,
        GITHUB_EVENT_NAME: event.name,
        GITHUB_EVENT_PATH: eventPath,
        RUNNER_TEMP: this.dir,
        GH_TOKEN: this.options.dispatchToken,
        PLATFORM_REPOSITORY: platform.fullName,
        GH_DOUBLE_URL: this.github.url,
      },
    });
    const sent = platform.repositoryDispatches.slice(before);
    if (sent.length !== 1) throw new Error(`the forwarding step sent ${sent.length} dispatches, not one`);
    const [dispatch] = sent;
    return { name: "repository_dispatch", payload: { action: dispatch!.eventType, client_payload: dispatch!.clientPayload, sender: { login: this.options.dispatchUser } } };
  }
}
