import { z } from "zod";
import { type ConfigProblem, StackConfigError } from "../../infra/config/problems";
import { slugForPullRequest } from "../../infra/names";
import type { PreviewCommand } from "./preview-command";

/**
 * The `repository_dispatch` event type the app repository's workflow (docs/app-repository/forward-pull-requests.yml)
 * sends the platform repository for each pull-request event a preview reacts to: the platform layout's previews.
 */
export const APP_PULL_REQUEST_EVENT = "restant-app-pull-request";

/**
 * `client_payload`, as the app repository's workflow builds it from its event (at most 10 properties, GitHub's limit).
 * A pull-request event: `action` is GitHub's (`labeled`, `synchronize`, `reopened`, `closed`), with the head the event
 * saw. A comment: `action` is `command`, `command` the word of `/preview`, `/update` or `/destroy` on its first line
 * (absent when the line is not one), and no head: a comment deploys the head the platform reads right before `up`.
 * Who may do what, whether the PR comes from a fork and what the head is now are read again from the app repository;
 * the payload only says which PR and which commit the event was about.
 */
export interface AppPullRequestPayload {
  pr: number;
  action: string;
  head_sha?: string;
  head_ref?: string;
  /** True when the head lives in another repository than the app's (a deleted fork counts as one). */
  fork?: boolean;
  author?: string;
  sender: string;
  sender_type?: string;
  /** `labeled`: the label added. */
  label?: string;
  /** The PR's labels when the event happened. */
  labels?: string[];
  command?: string;
}

const FULL_SHA = /^[0-9a-f]{40}$/;
const PULL_REQUEST_ACTIONS = ["labeled", "synchronize", "reopened", "closed", "opened"] as const;
const COMMANDS = { preview: "create", update: "update", destroy: "destroy" } as const;

/** Each field with the problem it has, so one run names every field to fix. */
const fields: Record<keyof AppPullRequestPayload, { schema: z.ZodType; required: boolean | "pull-request"; problem: string }> = {
  pr: { schema: z.number().int().positive(), required: true, problem: "must be the pull request's number in the app repository (a positive whole number)" },
  action: {
    schema: z.enum([...PULL_REQUEST_ACTIONS, "command"]),
    required: true,
    problem: `must be one of ${[...PULL_REQUEST_ACTIONS, "command"].join(", ")} (the pull_request event's action, or command for a comment)`,
  },
  head_sha: {
    schema: z.string().regex(FULL_SHA),
    required: "pull-request",
    problem: "must be the full 40-character lower-case hex SHA of the PR's head the event saw (pull_request.head.sha): it becomes restant:commit",
  },
  head_ref: { schema: z.string().min(1), required: "pull-request", problem: "must be the PR's head branch (pull_request.head.ref)" },
  fork: { schema: z.boolean(), required: "pull-request", problem: "must be true or false: whether the PR's head is in another repository" },
  author: { schema: z.string().min(1), required: false, problem: "must be the login of the PR's author" },
  sender: { schema: z.string().min(1), required: true, problem: "must be the login of whoever caused the event (sender.login, or the comment's author)" },
  sender_type: { schema: z.string().min(1), required: false, problem: "must be GitHub's user type (User, Bot)" },
  label: { schema: z.string(), required: false, problem: "must be the label's name" },
  labels: { schema: z.array(z.string()), required: false, problem: "must be a list of label names" },
  command: { schema: z.string(), required: false, problem: "must be preview, update or destroy" },
};

const envelope = z.object({ action: z.string(), client_payload: z.unknown() });

/**
 * The preview command an app repository's forwarded event asks for. A malformed payload is refused before any stack
 * is touched (StackConfigError: the script exits 2), each problem naming its `client_payload` field.
 */
export function appPullRequestCommand(payload: unknown, options: { previewLabel: string; appRepository: string; botLogin: string }): PreviewCommand {
  const { previewLabel, appRepository, botLogin } = options;
  const event = envelope.parse(payload);
  if (event.action !== APP_PULL_REQUEST_EVENT) return { kind: "ignore", reason: `repository_dispatch ${event.action} does not command previews` };
  const data = validPayload(event.client_payload, appRepository);
  // The app repository's token, unlike a workflow's own GITHUB_TOKEN, starts workflows: the `preview` label this
  // automation adds comes back as a labeled event, which must not deploy a second time.
  if (data.sender === botLogin) return { kind: "ignore", reason: `an event ${botLogin} (this automation) caused` };
  const labelled = (data.labels ?? []).includes(previewLabel);
  const actor = data.sender;
  const claims = { fork: data.fork === true };
  switch (data.action) {
    case "command": {
      if (data.sender_type === "Bot") return { kind: "ignore", reason: "a comment by a bot" };
      const kind = data.command !== undefined && data.command in COMMANDS ? COMMANDS[data.command as keyof typeof COMMANDS] : undefined;
      if (!kind) return { kind: "ignore", reason: "no preview command in the comment" };
      return { kind, pr: data.pr, actor, trigger: "comment" };
    }
    case "labeled":
      return data.label === previewLabel
        ? { kind: "create", pr: data.pr, actor, trigger: "label", sha: data.head_sha!, ...claims }
        : { kind: "ignore", reason: `label ${data.label ?? "?"} is not ${previewLabel}` };
    case "synchronize":
      return { kind: "update", pr: data.pr, actor, trigger: "push", sha: data.head_sha!, ...claims };
    case "closed":
      return { kind: "destroy", pr: data.pr, actor, trigger: "close" };
    case "reopened":
      return labelled ? { kind: "create", pr: data.pr, actor, trigger: "reopen", ...claims } : { kind: "ignore", reason: "reopened without the preview label" };
    default:
      return { kind: "ignore", reason: `pull request ${data.action}` };
  }
}

function validPayload(value: unknown, appRepository: string): AppPullRequestPayload {
  const origin = `the ${APP_PULL_REQUEST_EVENT} dispatch from ${appRepository}`;
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new StackConfigError({ stack: "(not chosen)", origin }, [{ key: "client_payload", message: "must be an object (see docs/app-repository/forward-pull-requests.yml)" }]);
  }
  const given = value as Record<string, unknown>;
  const pullRequestEvent = given.action !== "command";
  const problems: ConfigProblem[] = [];
  for (const [name, field] of Object.entries(fields)) {
    const present = given[name] !== undefined && given[name] !== null;
    const required = field.required === true || (field.required === "pull-request" && pullRequestEvent);
    if ((present || required) && !field.schema.safeParse(given[name]).success) {
      problems.push({ key: `client_payload.${name}`, message: `${field.problem}, got ${JSON.stringify(given[name] ?? null)}` });
    }
  }
  const pr = given.pr;
  const stack = typeof pr === "number" && Number.isSafeInteger(pr) && pr > 0 ? slugForPullRequest(pr) : "(not chosen)";
  if (problems.length > 0) throw new StackConfigError({ stack, origin }, problems);
  return given as unknown as AppPullRequestPayload;
}
