/** is-git-branch-name-valid: `git check-ref-format --branch` as a pure function (git 2.29's rules). */
declare module "is-git-branch-name-valid" {
  function isGitBranchNameValid(name: string): boolean;
  export = isGitBranchNameValid;
}
