import { retry } from "@octokit/plugin-retry";
import { throttling, type ThrottlingOptions } from "@octokit/plugin-throttling";
import { Octokit } from "@octokit/rest";
import {
  DEPLOYMENT_DESCRIPTION_LIMIT,
  type Deployment,
  type DeploymentPayload,
  type DeploymentState,
  type DeploymentStatus,
  type GitHubApi,
  type Issue,
  type IssueComment,
  type NewDeployment,
  type NewDeploymentStatus,
  type Permission,
  type PullRequest,
} from "./github-api";

const LifecycleOctokit = Octokit.plugin(throttling, retry);
type LifecycleOctokit = InstanceType<typeof LifecycleOctokit>;

export interface OctokitGitHubApiOptions {
  token: string;
  owner: string;
  repo: string;
  /** GitHub's REST root; CI sets GITHUB_API_URL. Default: https://api.github.com. */
  baseUrl?: string;
  /** Retries after a primary or secondary rate limit before giving up. Default: 3. */
  rateLimitRetries?: number;
  /**
   * Space writes 1 s apart and notifying writes (comments, issues) 3 s apart, as GitHub asks of integrations to avoid
   * secondary rate limits. Default: true; tests against the double turn it off to run quickly.
   */
  paceWrites?: boolean;
  log?: (text: string) => void;
}

/**
 * A throttling group that lets every job through at once. The plugin only calls `key(id).schedule(options, job)` on
 * its groups; the declared type is a whole Bottleneck group, hence the cast.
 */
const UNPACED = { key: () => ({ schedule: <T>(_options: unknown, job: () => Promise<T>) => job() }) } as unknown as NonNullable<
  ThrottlingOptions["write"]
>;

const PERMISSIONS: readonly Permission[] = ["admin", "maintain", "write", "triage", "read", "none"];

/** GitHubApi over Octokit, with GitHub's advice on rate limits followed by the throttling plugin. */
export class OctokitGitHubApi implements GitHubApi {
  private readonly octokit: LifecycleOctokit;
  private readonly repository: { owner: string; repo: string };

  constructor(options: OctokitGitHubApiOptions) {
    const retries = options.rateLimitRetries ?? 3;
    const log = options.log ?? ((text: string) => process.stderr.write(text));
    this.repository = { owner: options.owner, repo: options.repo };
    this.octokit = new LifecycleOctokit({
      auth: options.token,
      ...(options.baseUrl ? { baseUrl: options.baseUrl } : {}),
      userAgent: "restant-lifecycle",
      log: { debug: () => {}, info: () => {}, warn: (m: string) => log(`${m}\n`), error: (m: string) => log(`${m}\n`) },
      throttle: {
        ...(options.paceWrites === false ? { write: UNPACED, notifications: UNPACED } : {}),
        onRateLimit: (retryAfter: number, request: { method: string; url: string }, _o: unknown, count: number) => {
          log(`GitHub rate limit on ${request.method} ${request.url}; retrying in ${retryAfter}s\n`);
          return count < retries;
        },
        onSecondaryRateLimit: (retryAfter: number, request: { method: string; url: string }, _o: unknown, count: number) => {
          log(`GitHub secondary rate limit on ${request.method} ${request.url}; retrying in ${retryAfter}s\n`);
          return count < retries;
        },
      },
    });
  }

  async pullRequest(pr: number): Promise<PullRequest | undefined> {
    try {
      const { data } = await this.octokit.rest.pulls.get({ ...this.repository, pull_number: pr });
      return toPullRequest(data);
    } catch (error) {
      if (status(error) === 404) return undefined;
      throw error;
    }
  }

  async openPullRequests(): Promise<PullRequest[]> {
    const pulls = await this.octokit.paginate(this.octokit.rest.pulls.list, { ...this.repository, state: "open", per_page: 100 });
    return pulls.map(toPullRequest);
  }

  async permission(user: string): Promise<Permission> {
    try {
      const { data } = await this.octokit.rest.repos.getCollaboratorPermissionLevel({ ...this.repository, username: user });
      // `permission` folds maintain into write and triage into read; `role_name` keeps them apart.
      const role = (data.role_name ?? data.permission) as Permission;
      return PERMISSIONS.includes(role) ? role : "none";
    } catch (error) {
      if (status(error) === 404) return "none";
      throw error;
    }
  }

  async comments(issue: number): Promise<IssueComment[]> {
    const comments = await this.octokit.paginate(this.octokit.rest.issues.listComments, {
      ...this.repository,
      issue_number: issue,
      per_page: 100,
    });
    return comments.map((c) => ({ id: c.id, author: c.user?.login ?? "", body: c.body ?? "" }));
  }

  async createComment(issue: number, body: string): Promise<number> {
    const { data } = await this.octokit.rest.issues.createComment({ ...this.repository, issue_number: issue, body });
    return data.id;
  }

  async updateComment(commentId: number, body: string): Promise<void> {
    await this.octokit.rest.issues.updateComment({ ...this.repository, comment_id: commentId, body });
  }

  async addLabel(issue: number, label: string): Promise<void> {
    await this.octokit.rest.issues.addLabels({ ...this.repository, issue_number: issue, labels: [label] });
  }

  async removeLabel(issue: number, label: string): Promise<void> {
    try {
      await this.octokit.rest.issues.removeLabel({ ...this.repository, issue_number: issue, name: label });
    } catch (error) {
      if (status(error) !== 404) throw error;
    }
  }

  async issuesWithLabel(label: string, state: "open" | "closed" | "all"): Promise<Issue[]> {
    const issues = await this.octokit.paginate(this.octokit.rest.issues.listForRepo, {
      ...this.repository,
      labels: label,
      state,
      per_page: 100,
    });
    return issues
      .filter((i) => !i.pull_request)
      .map((i) => ({
        number: i.number,
        author: i.user?.login ?? "",
        title: i.title,
        state: i.state === "closed" ? "closed" : "open",
        body: i.body ?? "",
        labels: i.labels.map((l) => (typeof l === "string" ? l : (l.name ?? ""))),
      }));
  }

  async createIssue(issue: { title: string; body: string; labels: string[] }): Promise<number> {
    const { data } = await this.octokit.rest.issues.create({ ...this.repository, ...issue });
    return data.number;
  }

  async updateIssue(issue: number, change: { body?: string; state?: "open" | "closed" }): Promise<void> {
    await this.octokit.rest.issues.update({ ...this.repository, issue_number: issue, ...change });
  }

  async dispatchWorkflow(workflow: string, ref: string, inputs: Record<string, string>): Promise<void> {
    await this.octokit.rest.actions.createWorkflowDispatch({ ...this.repository, workflow_id: workflow, ref, inputs });
  }

  async createDeployment(deployment: NewDeployment): Promise<Deployment> {
    const { data, status: code } = await this.octokit.rest.repos.createDeployment({
      ...this.repository,
      ref: deployment.sha,
      environment: deployment.environment,
      description: clip(deployment.description),
      // The deployment records the commit CI validated: GitHub must neither merge into it nor wait for statuses.
      auto_merge: false,
      required_contexts: [],
      payload: { ...deployment.payload },
      transient_environment: deployment.transient,
      production_environment: deployment.production,
    });
    // 202 is GitHub's "merged the default branch instead" answer, impossible with auto_merge off.
    if (code !== 201 || !("id" in data)) throw new Error(`GitHub did not create a deployment of ${deployment.sha} to ${deployment.environment}`);
    return toDeployment(data);
  }

  async createDeploymentStatus(deployment: number, status: NewDeploymentStatus): Promise<void> {
    await this.octokit.rest.repos.createDeploymentStatus({
      ...this.repository,
      deployment_id: deployment,
      state: status.state,
      description: clip(status.description),
      ...(status.environmentUrl ? { environment_url: status.environmentUrl } : {}),
      ...(status.logUrl ? { log_url: status.logUrl } : {}),
      auto_inactive: false,
    });
  }

  async deployments(environment: string, sha?: string): Promise<Deployment[]> {
    const list = await this.octokit.paginate(this.octokit.rest.repos.listDeployments, {
      ...this.repository,
      environment,
      ...(sha ? { sha } : {}),
      per_page: 100,
    });
    return list.map(toDeployment);
  }

  async deploymentStatuses(deployment: number): Promise<DeploymentStatus[]> {
    const list = await this.octokit.paginate(this.octokit.rest.repos.listDeploymentStatuses, {
      ...this.repository,
      deployment_id: deployment,
      per_page: 100,
    });
    return list.map((s) => ({
      state: s.state as DeploymentState,
      description: s.description ?? "",
      environmentUrl: s.environment_url ?? "",
      logUrl: s.log_url ?? s.target_url ?? "",
      createdAt: s.created_at,
    }));
  }
}

interface DeploymentData {
  id: number;
  sha: string;
  url: string;
  environment: string;
  description: string | null;
  creator: { login: string } | null;
  created_at: string;
  payload: unknown;
}

function toDeployment(data: DeploymentData): Deployment {
  const payload = typeof data.payload === "string" ? safeJson(data.payload) : data.payload;
  return {
    id: data.id,
    sha: data.sha,
    url: data.url,
    environment: data.environment,
    description: data.description ?? "",
    creator: data.creator?.login ?? "",
    createdAt: data.created_at,
    payload: isPayload(payload) ? payload : undefined,
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function isPayload(value: unknown): value is DeploymentPayload {
  if (typeof value !== "object" || value === null) return false;
  const { kind, stack } = value as Record<string, unknown>;
  return (kind === "deploy" || kind === "rollback" || kind === "promotion") && typeof stack === "string";
}

/** GitHub refuses longer descriptions with a 422; a cut one still says what happened. */
function clip(text: string): string {
  return text.length <= DEPLOYMENT_DESCRIPTION_LIMIT ? text : `${text.slice(0, DEPLOYMENT_DESCRIPTION_LIMIT - 1)}…`;
}

interface PullsData {
  number: number;
  state: string;
  merged_at: string | null;
  head: { sha: string; ref: string; repo: { full_name: string } | null };
  base: { repo: { full_name: string } };
  user: { login: string } | null;
  labels: Array<{ name?: string }>;
}

function toPullRequest(data: PullsData): PullRequest {
  return {
    number: data.number,
    state: data.state === "open" ? "open" : "closed",
    merged: data.merged_at !== null,
    headSha: data.head.sha,
    headRef: data.head.ref,
    // A deleted fork leaves head.repo null: treat it as a fork, never as trusted.
    fromFork: data.head.repo?.full_name !== data.base.repo.full_name,
    author: data.user?.login ?? "",
    labels: data.labels.map((l) => l.name ?? ""),
  };
}

function status(error: unknown): number | undefined {
  return typeof error === "object" && error !== null && "status" in error && typeof error.status === "number"
    ? error.status
    : undefined;
}
