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

export class GitHubState {
  readonly issues = new Map<number, StoredIssue>();
  readonly comments: StoredComment[] = [];
  readonly roles = new Map<string, Role>();
  readonly dispatches: Dispatch[] = [];
  /** Workflows that accept workflow_dispatch, with the inputs each declares. */
  readonly workflows = new Map<string, string[]>();
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
