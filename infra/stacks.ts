import { slugForBranch, slugForPullRequest } from "./names";
import type { EnvironmentKind } from "./config/schema";

/** A stack CI makes or selects, and the `restant:*` config it needs beyond the project defaults. */
export interface StackPlan {
  /** Pulumi stack name: "production", "staging", "<branch slug>", "pr-<n>". */
  stack: string;
  kind: EnvironmentKind;
  /** Keys to set on a stack made without a file in stacks/ (kind, branch, pr). */
  config: Record<string, string>;
}

/**
 * The stack of a pull request's preview. The one function both `npm run plan -- pr-<n> --branch <b>` and the CI
 * scripts use, so what is planned offline is what CI makes.
 */
export function previewStack(pr: number, branch: string): StackPlan {
  const stack = slugForPullRequest(pr);
  if (branch.length === 0) throw new Error(`preview ${stack}: the pull request's head branch is required (--branch)`);
  return { stack, kind: "preview", config: { "restant:kind": "preview", "restant:pr": String(pr), "restant:branch": branch } };
}

/** The stack CI deploys a push to: `main` → production, `staging` → staging, any other long-lived branch → its slug. */
export function branchStack(branch: string): StackPlan {
  if (branch === "main") return { stack: "production", kind: "production", config: {} };
  if (branch === "staging") return { stack: "staging", kind: "staging", config: {} };
  return {
    stack: slugForBranch(branch),
    kind: "branch",
    config: { "restant:kind": "branch", "restant:branch": branch },
  };
}
