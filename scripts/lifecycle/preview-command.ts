/**
 * What a preview run was asked to do, read from the event that started it. `fork`: the event said the PR's head is in
 * another repository (an app repository's forwarded event, platform layout); a PR an event calls a fork that GitHub
 * does not is refused.
 */
export type PreviewCommand =
  | { kind: "create" | "update"; pr: number; actor: string; trigger: "comment" | "dispatch" | "reopen"; fork?: boolean }
  /** The `preview` label: `sha` is the head the labeller saw (the event's `pull_request.head.sha`), the only one it approves. */
  | { kind: "create"; pr: number; actor: string; trigger: "label"; sha: string; fork?: boolean }
  | { kind: "update"; pr: number; actor: string; trigger: "push"; sha: string; fork?: boolean }
  | { kind: "destroy"; pr: number; actor: string; trigger: "comment" | "close" | "dispatch"; reason?: string }
  | { kind: "ignore"; reason: string };
