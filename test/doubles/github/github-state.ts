/** The repository the GitHub double holds: issues and pull requests share one numbering, as on GitHub. */
export type Role = "admin" | "maintain" | "write" | "triage" | "read" | "none";

export interface StoredComment {
  id: number;
  issue: number;
  author: string;
  body: string;
  createdAt: string;
  updatedAt: string;
}

export interface StoredIssue {
  number: number;
  title: string;
  body: string;
  state: "open" | "closed";
  author: string;
  labels: string[];
  createdAt: string;
  /** Present for pull requests. */
  pull?: { headRef: string; headSha: string; headRepo: string | null; baseRef: string; merged: boolean };
}

export interface Dispatch {
  workflow: string;
  ref: string;
  inputs: Record<string, string>;
}

/** A `repository_dispatch` sent to this repository (POST /repos/{owner}/{repo}/dispatches). */
export interface RepositoryDispatch {
  eventType: string;
  clientPayload: Record<string, unknown>;
}

export type StoredDeploymentState = "error" | "failure" | "inactive" | "in_progress" | "queued" | "pending" | "success";

export interface StoredDeploymentStatus {
  id: number;
  state: StoredDeploymentState;
  description: string;
  environmentUrl: string;
  logUrl: string;
  creator: string;
  createdAt: string;
}

export interface StoredDeployment {
  id: number;
  sha: string;
  ref: string;
  task: string;
  environment: string;
  description: string;
  payload: unknown;
  creator: string;
  createdAt: string;
  transient: boolean;
  production: boolean;
  /** Oldest first. */
  statuses: StoredDeploymentStatus[];
}

export class GitHubState {
  readonly issues = new Map<number, StoredIssue>();
  readonly comments: StoredComment[] = [];
  readonly roles = new Map<string, Role>();
  readonly dispatches: Dispatch[] = [];
  readonly repositoryDispatches: RepositoryDispatch[] = [];
  /** Workflows that accept workflow_dispatch, with the inputs each declares. */
  readonly workflows = new Map<string, string[]>();
  /** Commits the repository holds (a deployment's ref must name one): pull request heads, pushes, and what tests add. */
  readonly commits = new Set<string>();
  /** Branch → head commit. */
  readonly branches = new Map<string, string>([["main", "0".repeat(40)]]);
  readonly deployments: StoredDeployment[] = [];
  private nextDeploymentId = 5000;
  private nextNumber = 1;
  private nextCommentId = 1000;
  private tick = 0;

  constructor(
    readonly owner: string,
    readonly repo: string,
    /** The login the token belongs to: what comments made through the API are written as. */
    readonly tokenUser: string,
  ) {}

  get fullName(): string {
    return `${this.owner}/${this.repo}`;
  }

  /** Monotonic timestamps, so ordering by creation time is exact even within one millisecond. */
  timestamp(): string {
    return new Date(Date.UTC(2026, 0, 1) + this.tick++ * 1000).toISOString();
  }

  openPullRequest(options: { author: string; headRef: string; headSha: string; fork?: boolean; labels?: string[] }): number {
    const number = this.nextNumber++;
    this.commits.add(options.headSha);
    this.issues.set(number, {
      number,
      title: `PR ${number}`,
      body: "",
      state: "open",
      author: options.author,
      labels: [...(options.labels ?? [])],
      createdAt: this.timestamp(),
      pull: {
        headRef: options.headRef,
        headSha: options.headSha,
        headRepo: options.fork ? `${options.author}/${this.repo}` : this.fullName,
        baseRef: "main",
        merged: false,
      },
    });
    return number;
  }

  addCommit(sha: string): void {
    this.commits.add(sha);
  }

  /** A push to a branch: its head moves and the commit exists. */
  pushBranch(branch: string, sha: string): void {
    this.commits.add(sha);
    this.branches.set(branch, sha);
  }

  /** The commit a deployment's ref names: a full SHA the repository holds, or a branch's head. */
  resolveRef(ref: string): string | undefined {
    if (this.commits.has(ref)) return ref;
    return this.branches.get(ref);
  }

  createDeployment(deployment: Omit<StoredDeployment, "id" | "createdAt" | "statuses">): StoredDeployment {
    const stored: StoredDeployment = { ...deployment, id: this.nextDeploymentId++, createdAt: this.timestamp(), statuses: [] };
    this.deployments.push(stored);
    return stored;
  }

  /** The state of a deployment's newest status, if any. */
  latestState(deployment: StoredDeployment): StoredDeploymentState | undefined {
    return deployment.statuses.at(-1)?.state;
  }

  addDeploymentStatus(
    deployment: StoredDeployment,
    status: Omit<StoredDeploymentStatus, "id" | "createdAt">,
    autoInactive: boolean,
  ): StoredDeploymentStatus {
    const stored = { ...status, id: this.nextDeploymentId++, createdAt: this.timestamp() };
    // GitHub's auto_inactive: a success marks prior non-transient, non-production deployments of the same environment
    // that were successful as inactive.
    if (status.state === "success" && autoInactive) {
      for (const prior of this.deployments) {
        if (prior.id >= deployment.id || prior.environment !== deployment.environment || prior.transient || prior.production) continue;
        if (this.latestState(prior) !== "success") continue;
        prior.statuses.push({ id: this.nextDeploymentId++, state: "inactive", description: "", environmentUrl: "", logUrl: "", creator: status.creator, createdAt: this.timestamp() });
      }
    }
    deployment.statuses.push(stored);
    return stored;
  }

  createIssue(author: string, title: string, body: string, labels: string[]): StoredIssue {
    const issue: StoredIssue = { number: this.nextNumber++, title, body, state: "open", author, labels, createdAt: this.timestamp() };
    this.issues.set(issue.number, issue);
    return issue;
  }

  addComment(issue: number, author: string, body: string): StoredComment {
    const now = this.timestamp();
    const comment = { id: this.nextCommentId++, issue, author, body, createdAt: now, updatedAt: now };
    this.comments.push(comment);
    return comment;
  }

  pull(number: number): StoredIssue {
    const issue = this.issues.get(number);
    if (!issue?.pull) throw new Error(`#${number} is not a pull request`);
    return issue;
  }

  push(number: number, sha: string): void {
    const pr = this.pull(number);
    if (pr.state !== "open") throw new Error(`#${number} is closed: GitHub sends no synchronize for it`);
    pr.pull = { ...pr.pull!, headSha: sha };
    this.commits.add(sha);
  }

  close(number: number, merged = false): void {
    const pr = this.pull(number);
    pr.state = "closed";
    pr.pull = { ...pr.pull!, merged };
  }

  commentsOn(issue: number): StoredComment[] {
    return this.comments.filter((c) => c.issue === issue);
  }
}
