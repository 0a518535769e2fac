/** A collaborator's role on the repository, as GitHub's `role_name` reports it. */
export type Permission = "admin" | "maintain" | "write" | "triage" | "read" | "none";

export interface PullRequest {
  number: number;
  state: "open" | "closed";
  merged: boolean;
  headSha: string;
  /** The head branch's name (in the fork, for a fork). */
  headRef: string;
  /** True when the head branch lives in another repository: its author may have no access to ours. */
  fromFork: boolean;
  author: string;
  labels: string[];
}

export interface IssueComment {
  id: number;
  author: string;
  body: string;
}

export interface Issue {
  number: number;
  /** Who opened it: state the lifecycle keeps in issues is trusted only in the bot's own. */
  author: string;
  title: string;
  state: "open" | "closed";
  body: string;
  labels: string[];
}

/** A deployment status's state, as GitHub names them. */
export type DeploymentState = "queued" | "pending" | "in_progress" | "success" | "failure" | "error" | "inactive";

/** What the lifecycle records in a deployment's `payload`: what kind of step it was, and what it came from. */
export interface DeploymentPayload {
  /** `deploy` (an up of a pushed or previewed commit), `rollback` (an up of an older verified commit), `promotion`. */
  kind: "deploy" | "rollback" | "promotion";
  stack: string;
  /** Who started it (the event's actor). */
  actor?: string;
  /** A rollback: the commit whose check failed (or that was rolled back by hand). */
  rolledBackFrom?: string;
  /** A production deploy: the staging deployment (its API URL) that verified this commit. */
  promotedFrom?: string;
}

export interface Deployment {
  id: number;
  sha: string;
  environment: string;
  description: string;
  creator: string;
  createdAt: string;
  /** This deployment's API address (what a promotion links). */
  url: string;
  /** The lifecycle's payload; undefined for deployments something else created. */
  payload: DeploymentPayload | undefined;
}

export interface DeploymentStatus {
  state: DeploymentState;
  description: string;
  environmentUrl: string;
  logUrl: string;
  createdAt: string;
}

export interface NewDeployment {
  sha: string;
  /** The GitHub environment: the stack's name. */
  environment: string;
  description: string;
  payload: DeploymentPayload;
  /** Previews: GitHub shows an inactive transient deployment as destroyed. */
  transient: boolean;
  production: boolean;
}

export interface NewDeploymentStatus {
  state: DeploymentState;
  /** At most 140 characters (GitHub refuses longer). */
  description: string;
  environmentUrl?: string;
  /** The CI run's page. */
  logUrl?: string;
}

/**
 * The GitHub operations the lifecycle needs, on the repository CI runs for. The real one is `OctokitGitHubApi`;
 * tests run it against a stateful double over HTTP.
 */
export interface GitHubApi {
  /** Undefined when there is no such pull request. */
  pullRequest(pr: number): Promise<PullRequest | undefined>;
  openPullRequests(): Promise<PullRequest[]>;
  permission(user: string): Promise<Permission>;
  comments(issue: number): Promise<IssueComment[]>;
  createComment(issue: number, body: string): Promise<number>;
  updateComment(commentId: number, body: string): Promise<void>;
  addLabel(issue: number, label: string): Promise<void>;
  /** Removing a label the issue does not carry is not an error. */
  removeLabel(issue: number, label: string): Promise<void>;
  /** Issues (never pull requests) carrying the label. */
  issuesWithLabel(label: string, state: "open" | "closed" | "all"): Promise<Issue[]>;
  createIssue(issue: { title: string; body: string; labels: string[] }): Promise<number>;
  updateIssue(issue: number, change: { body?: string; state?: "open" | "closed" }): Promise<void>;
  /** Starts a `workflow_dispatch` run: how a freed place hands itself to the next queued preview. */
  dispatchWorkflow(workflow: string, ref: string, inputs: Record<string, string>): Promise<void>;
  /**
   * A GitHub Deployment of exactly `sha` to `environment` (no auto-merge, no required status contexts: the commit CI
   * validated is the commit recorded). Previews are transient environments; production is the production one.
   */
  createDeployment(deployment: NewDeployment): Promise<Deployment>;
  /** Adds a status; never lets GitHub inactivate older deployments on its own (the lifecycle says which it superseded). */
  createDeploymentStatus(deployment: number, status: NewDeploymentStatus): Promise<void>;
  /** The environment's deployments, newest first (optionally of one commit). */
  deployments(environment: string, sha?: string): Promise<Deployment[]>;
  /** A deployment's statuses, newest first. */
  deploymentStatuses(deployment: number): Promise<DeploymentStatus[]>;
}

/** GitHub refuses a deployment status description longer than this. */
export const DEPLOYMENT_DESCRIPTION_LIMIT = 140;

/** GitHub refuses comment and issue bodies longer than this. */
export const GITHUB_BODY_LIMIT = 65_536;

export function canCommand(permission: Permission): boolean {
  return permission === "admin" || permission === "maintain" || permission === "write";
}
