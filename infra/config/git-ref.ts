import isGitBranchNameValid from "is-git-branch-name-valid";

/**
 * Why git would not take `name` as a branch name (`git check-ref-format --branch`), or undefined when it would. Also
 * refused: a name beginning with `refs/`, which git resolves as a full ref (a head branch `refs/pull/8/head` would
 * name another pull request). Branch names come from pushes, pull requests and the command line; they become stack
 * config and Dokku arguments, where a leading `-` is an option and `..` a range.
 */
export function gitBranchNameProblem(name: string): string | undefined {
  if (name.length === 0) return "must not be empty";
  if (name.startsWith("-")) return "must not begin with '-' (git and Dokku would read it as an option)";
  if (name.startsWith("refs/")) return "must be a branch name, not a full ref beginning with 'refs/'";
  if (name.includes("..")) return "must not contain '..' (git reads it as a range of commits)";
  if (!isGitBranchNameValid(name)) {
    return (
      "is not a branch name git accepts (git check-ref-format --branch): no spaces, control characters, ~ ^ : ? * [ \\, " +
      "'@{', '//', a part beginning with '.', or an ending '/', '.' or '.lock'; and not 'HEAD' or '@'"
    );
  }
  return undefined;
}
