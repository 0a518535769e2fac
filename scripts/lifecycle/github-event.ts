import { readFileSync } from "node:fs";
import { z } from "zod";
import { type ConfigProblem, StackConfigError } from "../../infra/config/problems";
import { appPullRequestCommand } from "./app-pull-request-event";
import type { PreviewCommand } from "./preview-command";

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

/**
 * The preview command of an event. `platform` is given in the platform layout (RESTANT_APP_REPOSITORY): previews
 * are then of the app repository's pull requests, whose events its workflow forwards as a repository_dispatch, and
 * this repository's own pull requests and comments command none.
 */
export function previewCommandFromEvent(
  eventName: string,
  payload: unknown,
  previewLabel: string,
  platform?: { appRepository: string; botLogin: string },
): PreviewCommand {
  const appRepository = platform?.appRepository;
  if (eventName === "repository_dispatch") {
    if (!platform) return { kind: "ignore", reason: "a repository_dispatch commands previews only in the platform layout (RESTANT_APP_REPOSITORY)" };
    return appPullRequestCommand(payload, { previewLabel, ...platform });
  }
  if (appRepository && (eventName === "issue_comment" || eventName === "pull_request" || eventName === "pull_request_target")) {
    return { kind: "ignore", reason: `in the platform layout previews are of ${appRepository}'s pull requests: this repository's own get none` };
  }
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

/**
 * The `repository_dispatch` event type the app repository's CI sends the platform repository once it validated a
 * commit (docs/platform-repository.md): `client_payload` `{ branch, sha }`.
 */
export const APP_VALIDATED_EVENT = "restant-app-validated";

const appDispatchEvent = z.object({
  action: z.string(),
  client_payload: z.object({ branch: z.unknown(), sha: z.unknown() }).partial().nullable().default({}),
});

const FULL_SHA = /^[0-9a-f]{40}$/;

/**
 * What a deploy run was asked to deploy. In the platform layout (RESTANT_APP_REPOSITORY set: this project lives in a
 * repository of its own) a push here carries this repository's SHA, not the app's, so only the app repository's
 * dispatch names what to deploy; in the app-repository layout a push to a long-lived branch does.
 */
export function deployTargetFromEvent(eventName: string, payload: unknown, env: NodeJS.ProcessEnv): DeployTarget {
  const platformLayout = (env.RESTANT_APP_REPOSITORY ?? "") !== "";
  if (eventName === "repository_dispatch") return appDispatchTarget(payload, env);
  if (eventName === "push") {
    if (platformLayout) return { kind: "ignore", reason: `a push to this platform repository deploys nothing: ${env.RESTANT_APP_REPOSITORY}'s CI sends the commit to deploy` };
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
    // In the platform layout the workflow's commit is this repository's, not the app's.
    if (platformLayout) return { kind: "ignore", reason: `in the platform layout the commit comes from ${env.RESTANT_APP_REPOSITORY}'s dispatch (or the commit input)` };
    return { kind: "deploy", branch: env.GITHUB_REF_NAME, sha: env.GITHUB_SHA };
  }
  return { kind: "ignore", reason: `event ${eventName} does not deploy` };
}

/**
 * The app repository's "validated" dispatch: its branch and the full SHA its CI validated. Anything else in the payload
 * is refused before any stack is touched (StackConfigError: the scripts exit 2 naming the key).
 */
function appDispatchTarget(payload: unknown, env: NodeJS.ProcessEnv): DeployTarget {
  const event = appDispatchEvent.parse(payload);
  if (event.action !== APP_VALIDATED_EVENT) return { kind: "ignore", reason: `repository_dispatch ${event.action} is not ${APP_VALIDATED_EVENT}` };
  const { branch, sha } = event.client_payload ?? {};
  const origin = `the ${APP_VALIDATED_EVENT} dispatch${env.RESTANT_APP_REPOSITORY ? ` from ${env.RESTANT_APP_REPOSITORY}` : ""}`;
  const problems: ConfigProblem[] = [];
  if (typeof branch !== "string" || branch === "") {
    problems.push({ key: "restant:branch", message: `client_payload.branch must be the branch the app's CI validated, got ${JSON.stringify(branch ?? null)}` });
  }
  if (typeof sha !== "string" || !FULL_SHA.test(sha)) {
    problems.push({
      key: "restant:commit",
      message: `client_payload.sha must be the full 40-character lower-case hex SHA the app's CI validated (github.sha), got ${JSON.stringify(sha ?? null)}`,
    });
  }
  if (problems.length > 0) throw new StackConfigError({ stack: "(not chosen)", origin }, problems);
  return { kind: "deploy", branch: branch as string, sha: sha as string };
}

/** The event CI started this run for: GITHUB_EVENT_NAME and the JSON at GITHUB_EVENT_PATH. */
export function readEvent(env: NodeJS.ProcessEnv): { name: string; payload: unknown } {
  const name = env.GITHUB_EVENT_NAME;
  const file = env.GITHUB_EVENT_PATH;
  if (!name || !file) throw new Error("GITHUB_EVENT_NAME and GITHUB_EVENT_PATH must be set (GitHub Actions sets both)");
  return { name, payload: JSON.parse(readFileSync(file, "utf8")) as unknown };
}
