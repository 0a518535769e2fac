import * as github from "@pulumi/github";
import * as pulumi from "@pulumi/pulumi";
import type { EnvironmentSpec } from "../infra/spec";

export interface DeploymentEnvironmentArgs {
  /** Repository, environment name, reviewers and deploy branch (infra/spec.ts `github`). */
  github: NonNullable<EnvironmentSpec["github"]>;
  /** The environment's URL, kept in the `ENVIRONMENT_URL` variable the workflows show on deployments. */
  url: string;
}

/**
 * The stack as a GitHub deployment environment. Production requires its reviewers and deploys only from its branch;
 * the environment goes with the stack.
 */
export class DeploymentEnvironment extends pulumi.ComponentResource {
  readonly environment: github.RepositoryEnvironment;

  constructor(name: string, args: DeploymentEnvironmentArgs, opts?: pulumi.ComponentResourceOptions) {
    super("restant:github:DeploymentEnvironment", name, {}, opts);
    this.environment = this.createEnvironment(name, args);
    if (args.github.deployBranch) this.restrictToBranch(name, args.github.deployBranch, args);
    this.publishUrl(name, args);
    this.registerOutputs({});
  }

  private createEnvironment(name: string, args: DeploymentEnvironmentArgs): github.RepositoryEnvironment {
    const { reviewers, deployBranch } = args.github;
    const hasReviewers = reviewers.users.length + reviewers.teams.length > 0;
    return new github.RepositoryEnvironment(
      `${name}-environment`,
      {
        repository: args.github.repository,
        environment: args.github.environment,
        ...(hasReviewers ? { reviewers: [{ users: reviewers.users, teams: reviewers.teams }], preventSelfReview: true } : {}),
        ...(deployBranch ? { deploymentBranchPolicy: { protectedBranches: false, customBranchPolicies: true } } : {}),
      },
      { parent: this },
    );
  }

  private restrictToBranch(name: string, branch: string, args: DeploymentEnvironmentArgs): void {
    new github.RepositoryEnvironmentDeploymentPolicy(
      `${name}-branch-policy`,
      { repository: args.github.repository, environment: this.environment.environment, branchPattern: branch },
      { parent: this },
    );
  }

  private publishUrl(name: string, args: DeploymentEnvironmentArgs): void {
    new github.ActionsEnvironmentVariable(
      `${name}-url`,
      { repository: args.github.repository, environment: this.environment.environment, variableName: "ENVIRONMENT_URL", value: args.url },
      { parent: this },
    );
  }
}
