import type { Deployment, DeploymentPayload, DeploymentState, GitHubApi } from "./github-api";

/** One GitHub Deployment the lifecycle is writing: its statuses go in order, each with the URL, commit and run. */
export interface RecordedDeployment {
  readonly id: number;
  /** The deployment's API address (a promotion's payload links it). */
  readonly url: string;
  status(state: DeploymentState, description: string, environmentUrl?: string): Promise<void>;
}

export interface DeploymentRequest {
  stack: string;
  sha: string;
  payload: DeploymentPayload;
  description: string;
}

/**
 * Writes each deploy, rollback and verification as a GitHub Deployment of the stack's environment (GitHub's
 * environment page is the history): `in_progress` when it starts, `success` or `failure` when verified, and
 * `inactive` on the deployment a success supersedes. GitHub is told which one it superseded rather than guessing
 * (auto_inactive skips production environments). A GitHub outage must not fail or undo a deploy: failures are logged.
 */
export class DeploymentRecorder {
  constructor(
    private readonly github: GitHubApi,
    private readonly runUrl: string | undefined,
    private readonly log: (text: string) => void,
  ) {}

  async start(request: DeploymentRequest): Promise<RecordedDeployment | undefined> {
    let deployment: Deployment;
    try {
      deployment = await this.github.createDeployment({
        sha: request.sha,
        environment: request.stack,
        description: request.description,
        payload: request.payload,
        transient: request.stack.startsWith("pr-"),
        production: request.stack === "production",
      });
    } catch (error) {
      this.log(`GitHub deployment of ${request.sha} to ${request.stack} not recorded: ${message(error)}\n`);
      return undefined;
    }
    const recorded: RecordedDeployment = {
      id: deployment.id,
      url: deployment.url,
      status: async (state, description, environmentUrl) => {
        try {
          await this.github.createDeploymentStatus(deployment.id, {
            state,
            description,
            ...(environmentUrl ? { environmentUrl } : {}),
            ...(this.runUrl ? { logUrl: this.runUrl } : {}),
          });
          if (state === "success") await this.inactivate(request.stack, `superseded by deployment ${deployment.id}`, deployment.id);
        } catch (error) {
          this.log(`GitHub deployment ${deployment.id} status ${state} not recorded: ${message(error)}\n`);
        }
      },
    };
    await recorded.status("in_progress", request.description);
    return recorded;
  }

  /** The environment is gone (a destroyed preview): its live deployment becomes inactive, which GitHub shows as destroyed. */
  async retire(environment: string): Promise<void> {
    try {
      await this.inactivate(environment, "destroyed with its stack");
    } catch (error) {
      this.log(`GitHub deployments of ${environment} not marked inactive: ${message(error)}\n`);
    }
  }

  /** Every deployment of the environment older than `before` whose latest status is success becomes inactive. */
  private async inactivate(environment: string, description: string, before = Number.POSITIVE_INFINITY): Promise<void> {
    for (const older of await this.github.deployments(environment)) {
      if (older.id >= before) continue;
      const [latest] = await this.github.deploymentStatuses(older.id);
      if (latest?.state !== "success") continue;
      await this.github.createDeploymentStatus(older.id, {
        state: "inactive",
        description,
        ...(latest.environmentUrl ? { environmentUrl: latest.environmentUrl } : {}),
        ...(this.runUrl ? { logUrl: this.runUrl } : {}),
      });
    }
  }
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
