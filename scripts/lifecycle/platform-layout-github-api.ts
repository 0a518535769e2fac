import type {
  Deployment,
  DeploymentStatus,
  GitHubApi,
  Issue,
  IssueComment,
  NewDeployment,
  NewDeploymentStatus,
  Permission,
  PullRequest,
} from "./github-api";

/**
 * GitHub as the platform layout sees it (docs/platform-repository.md). The pull requests, their comments and labels,
 * collaborators' permissions, the preview breaker's issue and every GitHub Deployment belong to the app repository
 * and go through a client with the app repository's token (RESTANT_APP_GITHUB_TOKEN): the run's own GITHUB_TOKEN is
 * scoped to the platform repository and cannot write there. Only workflow dispatches (the queue handing a freed place
 * to the next PR) start this repository's workflows, with its own token.
 */
export class PlatformLayoutGitHubApi implements GitHubApi {
  constructor(
    private readonly app: GitHubApi,
    private readonly platform: GitHubApi,
  ) {}

  pullRequest(pr: number): Promise<PullRequest | undefined> {
    return this.app.pullRequest(pr);
  }
  openPullRequests(): Promise<PullRequest[]> {
    return this.app.openPullRequests();
  }
  permission(user: string): Promise<Permission> {
    return this.app.permission(user);
  }
  comments(issue: number): Promise<IssueComment[]> {
    return this.app.comments(issue);
  }
  createComment(issue: number, body: string): Promise<number> {
    return this.app.createComment(issue, body);
  }
  updateComment(commentId: number, body: string): Promise<void> {
    return this.app.updateComment(commentId, body);
  }
  addLabel(issue: number, label: string): Promise<void> {
    return this.app.addLabel(issue, label);
  }
  removeLabel(issue: number, label: string): Promise<void> {
    return this.app.removeLabel(issue, label);
  }
  issuesWithLabel(label: string, state: "open" | "closed" | "all"): Promise<Issue[]> {
    return this.app.issuesWithLabel(label, state);
  }
  createIssue(issue: { title: string; body: string; labels: string[] }): Promise<number> {
    return this.app.createIssue(issue);
  }
  updateIssue(issue: number, change: { body?: string; state?: "open" | "closed" }): Promise<void> {
    return this.app.updateIssue(issue, change);
  }
  dispatchWorkflow(workflow: string, ref: string, inputs: Record<string, string>): Promise<void> {
    return this.platform.dispatchWorkflow(workflow, ref, inputs);
  }
  createDeployment(deployment: NewDeployment): Promise<Deployment> {
    return this.app.createDeployment(deployment);
  }
  createDeploymentStatus(deployment: number, status: NewDeploymentStatus): Promise<void> {
    return this.app.createDeploymentStatus(deployment, status);
  }
  deployments(environment: string, sha?: string): Promise<Deployment[]> {
    return this.app.deployments(environment, sha);
  }
  deploymentStatuses(deployment: number): Promise<DeploymentStatus[]> {
    return this.app.deploymentStatuses(deployment);
  }
}
