import { readFileSync } from "node:fs";
import { z } from "zod";

/** What a preview run was asked to do, read from the event that started it. */
export type PreviewCommand =
  | { kind: "create" | "update"; pr: number; actor: string; trigger: "comment" | "dispatch" | "reopen" }
  /** The `preview` label: `sha` is the head the labeller saw (the event's `pull_request.head.sha`), the only one it approves. */
  | { kind: "create"; pr: number; actor: string; trigger: "label"; sha: string }
  | { kind: "update"; pr: number; actor: string; trigger: "push"; sha: string }
  | { kind: "destroy"; pr: number; actor: string; trigger: "comment" | "close" | "dispatch"; reason?: string }
  | { kind: "ignore"; reason: string };

const user = z.object({ login: z.string(), type: z.string().optional() });
const label = z.object({ name: z.string() });

const commentEvent = z.object({
  action: z.string(),
  issue: z.object({ number: z.number().int().positive(), pull_request: z.object({}).passthrough().optional() }),
  comment: z.object({ body: z.string().nullable(), user }),
});

const pullRequestEvent = z.object({
  action: z.string(),
  number: z.number().int().positive(),
  label: label.optional(),
  sender: user,
  pull_request: z.object({ head: z.object({ sha: z.string() }), labels: z.array(label).default([]) }),
});

const dispatchEvent = z.object({
  inputs: z.object({ pr: z.coerce.number().int().positive(), action: z.enum(["create", "update", "destroy"]).default("create") }),
  sender: user,
});

/** `/preview`, `/update` or `/destroy` alone on the comment's first line. */
const COMMENT_COMMAND = /^\/(preview|update|destroy)\s*$/;

export function previewCommandFromEvent(eventName: string, payload: unknown, previewLabel: string): PreviewCommand {
  switch (eventName) {
    case "issue_comment": {
      const event = commentEvent.parse(payload);
      if (event.action !== "created") return { kind: "ignore", reason: `comment ${event.action}` };
      if (!event.issue.pull_request) return { kind: "ignore", reason: "a comment on an issue, not a pull request" };
      if (event.comment.user.type === "Bot") return { kind: "ignore", reason: "a comment by a bot" };
      const word = COMMENT_COMMAND.exec((event.comment.body ?? "").split(/\r?\n/, 1)[0]?.trim() ?? "")?.[1];
      if (!word) return { kind: "ignore", reason: "no preview command in the comment" };
      const kind = word === "preview" ? "create" : word === "update" ? "update" : "destroy";
      return { kind, pr: event.issue.number, actor: event.comment.user.login, trigger: "comment" };
    }
    case "pull_request":
    case "pull_request_target": {
      const event = pullRequestEvent.parse(payload);
      const labelled = event.pull_request.labels.some((l) => l.name === previewLabel);
      switch (event.action) {
        case "labeled":
          return event.label?.name === previewLabel
            ? { kind: "create", pr: event.number, actor: event.sender.login, trigger: "label", sha: event.pull_request.head.sha }
            : { kind: "ignore", reason: `label ${event.label?.name ?? "?"} is not ${previewLabel}` };
        case "synchronize":
          return { kind: "update", pr: event.number, actor: event.sender.login, trigger: "push", sha: event.pull_request.head.sha };
        case "closed":
          return { kind: "destroy", pr: event.number, actor: event.sender.login, trigger: "close" };
        case "reopened":
          return labelled
            ? { kind: "create", pr: event.number, actor: event.sender.login, trigger: "reopen" }
            : { kind: "ignore", reason: "reopened without the preview label" };
        default:
          return { kind: "ignore", reason: `pull request ${event.action}` };
      }
    }
    case "workflow_dispatch": {
      const event = dispatchEvent.parse(payload);
      return { kind: event.inputs.action, pr: event.inputs.pr, actor: event.sender.login, trigger: "dispatch" };
    }
    default:
      return { kind: "ignore", reason: `event ${eventName} does not command previews` };
  }
}

/**
 * What a branch deploy was asked to deploy. `stagingVerified`: production's dispatch without a commit, which promotes
 * staging's last verified commit (`sha` is then only the workflow's own commit).
 */
export type DeployTarget = { kind: "deploy"; branch: string; sha: string; stagingVerified?: boolean } | { kind: "ignore"; reason: string };

const deployDispatchEvent = z.object({ inputs: z.object({ commit: z.string().optional() }).default({}) });

const pushEvent = z.object({ ref: z.string(), after: z.string(), deleted: z.boolean().default(false) });

export function deployTargetFromEvent(eventName: string, payload: unknown, env: NodeJS.ProcessEnv): DeployTarget {
  if (eventName === "push") {
    const event = pushEvent.parse(payload);
    if (event.deleted) return { kind: "ignore", reason: "the branch was deleted" };
    if (!event.ref.startsWith("refs/heads/")) return { kind: "ignore", reason: `${event.ref} is not a branch` };
    return { kind: "deploy", branch: event.ref.slice("refs/heads/".length), sha: event.after };
  }
  if (eventName === "workflow_dispatch" && env.GITHUB_REF_NAME && env.GITHUB_SHA) {
    const commit = deployDispatchEvent.parse(payload ?? {}).inputs.commit?.trim() ?? "";
    if (commit !== "") return { kind: "deploy", branch: env.GITHUB_REF_NAME, sha: commit };
    // Production's dispatch offers staging's last verified commit; other stacks deploy the workflow's commit.
    if (env.GITHUB_REF_NAME === "main") return { kind: "deploy", branch: "main", sha: env.GITHUB_SHA, stagingVerified: true };
    return { kind: "deploy", branch: env.GITHUB_REF_NAME, sha: env.GITHUB_SHA };
  }
  return { kind: "ignore", reason: `event ${eventName} does not deploy` };
}

/** The event CI started this run for: GITHUB_EVENT_NAME and the JSON at GITHUB_EVENT_PATH. */
export function readEvent(env: NodeJS.ProcessEnv): { name: string; payload: unknown } {
  const name = env.GITHUB_EVENT_NAME;
  const file = env.GITHUB_EVENT_PATH;
  if (!name || !file) throw new Error("GITHUB_EVENT_NAME and GITHUB_EVENT_PATH must be set (GitHub Actions sets both)");
  return { name, payload: JSON.parse(readFileSync(file, "utf8")) as unknown };
}
