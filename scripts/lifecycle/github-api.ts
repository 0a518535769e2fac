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
}

/** GitHub refuses comment and issue bodies longer than this. */
export const GITHUB_BODY_LIMIT = 65_536;

export function canCommand(permission: Permission): boolean {
  return permission === "admin" || permission === "maintain" || permission === "write";
}
