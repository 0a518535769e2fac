import { gitBranchNameProblem } from "./config/git-ref";
import { StackConfigError } from "./config/problems";
import type { EnvironmentKind } from "./config/schema";
import { slugForBranch, slugForPullRequest } from "./names";

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
 * scripts use, so what is planned offline is what CI makes. A branch git would refuse is refused here, before any
 * stack is made (StackConfigError naming restant:branch).
 */
export function previewStack(pr: number, branch: string, commit?: string): StackPlan {
  const stack = slugForPullRequest(pr);
  if (branch.length === 0) throw new Error(`preview ${stack}: the pull request's head branch is required (--branch)`);
  refuseBadBranch(stack, branch, `the head branch of pull request #${pr}`);
  refuseBadCommit(stack, commit, `the head of pull request #${pr}`);
  return {
    stack,
    kind: "preview",
    config: { "restant:kind": "preview", "restant:pr": String(pr), "restant:branch": branch, ...commitConfig(commit) },
  };
}

/** The stack CI deploys a push to: `main` → production, `staging` → staging, any other long-lived branch → its slug. */
export function branchStack(branch: string, commit?: string): StackPlan {
  if (branch === "main" || branch === "staging") {
    const stack = branch === "main" ? "production" : "staging";
    refuseBadCommit(stack, commit, `the pushed commit of ${branch}`);
    return { stack, kind: stack, config: commitConfig(commit) };
  }
  const stack = slugForBranch(branch);
  refuseBadBranch(stack, branch, "the branch");
  refuseBadCommit(stack, commit, `the pushed commit of ${branch}`);
  return { stack, kind: "branch", config: { "restant:kind": "branch", "restant:branch": branch, ...commitConfig(commit) } };
}

/** `restant:commit`: the commit CI validated is the commit deployed (and the app's SENTRY_RELEASE). */
function commitConfig(commit: string | undefined): Record<string, string> {
  return commit === undefined ? {} : { "restant:commit": commit };
}

/** CI hands full SHAs (GITHUB_SHA, the event's `after`, the PR's head); anything else is refused before a stack is made. */
function refuseBadCommit(stack: string, commit: string | undefined, what: string): void {
  if (commit === undefined || FULL_SHA.test(commit)) return;
  throw new StackConfigError({ stack, origin: `${what}, ${JSON.stringify(commit)}` }, [
    { key: "restant:commit", message: "must be the full 40-character lower-case hex SHA of the commit to deploy" },
  ]);
}

const FULL_SHA = /^[0-9a-f]{40}$/;

function refuseBadBranch(stack: string, branch: string, what: string): void {
  const problem = gitBranchNameProblem(branch);
  if (problem === undefined) return;
  throw new StackConfigError({ stack, origin: `${what}, ${JSON.stringify(branch)}` }, [{ key: "restant:branch", message: problem }]);
}
