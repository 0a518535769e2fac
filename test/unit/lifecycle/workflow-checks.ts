/**
 * The rules the CI files must keep, as functions that return what is wrong: the workflow tests run them on the real
 * files (no problem) and on broken copies (each rule finds its problem), so a check that cannot fail is caught too.
 */

export interface Step {
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  env?: Record<string, string>;
  with?: Record<string, unknown>;
}
export interface Job {
  if?: string;
  uses?: string;
  with?: Record<string, string>;
  secrets?: string;
  permissions?: Record<string, string> | string;
  concurrency?: { group: string; "cancel-in-progress"?: boolean | string };
  environment?: string | { name: string };
  env?: Record<string, string>;
  steps?: Step[];
}
export interface Workflow {
  on: Record<string, unknown>;
  permissions?: Record<string, string> | string;
  env?: Record<string, string>;
  jobs: Record<string, Job>;
}
export interface CompositeAction {
  inputs?: Record<string, unknown>;
  runs: { using: string; steps: Step[] };
}

const SECRET_REFERENCE = /\bsecrets\.(\w+)/g;
/** `secrets.X != ''`: a yes/no, never the value. */
const SECRET_PRESENCE = /\bsecrets\.\w+\s*!=\s*''/g;
const SCRIPT_STEP = /^Run scripts\//;
const AGENT_STEP = /ssh-agent/;

function secretsIn(value: unknown): string[] {
  const text = (JSON.stringify(value ?? null) ?? "").replace(SECRET_PRESENCE, "");
  return [...text.matchAll(SECRET_REFERENCE)].map((m) => m[1]!);
}

/** Every credential goes to the step that runs the script; the Dokku key also to the step that loads the agent. */
export function credentialPlacementProblems(file: string, workflow: Workflow): string[] {
  const problems: string[] = [];
  if (secretsIn(workflow.env).length > 0) problems.push(`${file}: workflow-wide env holds ${secretsIn(workflow.env).join(", ")}`);
  for (const [name, job] of Object.entries(workflow.jobs)) {
    if (secretsIn(job.env).length > 0) problems.push(`${file}/${name}: job-wide env holds ${secretsIn(job.env).join(", ")}`);
    for (const step of job.steps ?? []) {
      const used = secretsIn({ env: step.env, with: step.with, run: step.run });
      const allowed = SCRIPT_STEP.test(step.name ?? "") ? used : AGENT_STEP.test(step.name ?? "") ? ["DOKKU_SSH_PRIVATE_KEY"] : [];
      const stray = used.filter((s) => !allowed.includes(s));
      if (stray.length > 0) problems.push(`${file}/${name}/${step.name ?? step.uses ?? "step"}: receives ${stray.join(", ")}`);
    }
  }
  return problems;
}

/** A composite action is never given a credential: it cannot even name one. */
export function compositeActionProblems(action: CompositeAction): string[] {
  const used = secretsIn(action);
  return used.length > 0 ? [`the lifecycle action reads ${used.join(", ")}`] : [];
}

/** Every third-party action is pinned to a full commit SHA, its version in a comment. */
export function pinningProblems(file: string, text: string): string[] {
  const problems: string[] = [];
  for (const line of text.split("\n")) {
    const match = /^\s*(?:-\s+)?uses:\s*(\S+)(.*)$/.exec(line);
    if (!match || match[1]!.startsWith("./")) continue;
    const [, ref = "", rest = ""] = match;
    if (!/^[\w.-]+\/[\w./-]+@[0-9a-f]{40}$/.test(ref)) problems.push(`${file}: ${ref} is not pinned to a full commit SHA`);
    else if (!/#\s*v\d+(\.\d+)*\b/.test(rest)) problems.push(`${file}: ${ref} has no "# vX.Y.Z" comment naming its version`);
  }
  return problems;
}

/** In every job that runs a script: the agent is loaded before it, and emptied at the end whatever happened. */
export function agentOrderProblems(file: string, workflow: Workflow): string[] {
  const problems: string[] = [];
  for (const [name, job] of Object.entries(workflow.jobs)) {
    const steps = job.steps ?? [];
    const script = steps.findIndex((s) => SCRIPT_STEP.test(s.name ?? ""));
    if (script < 0) continue;
    const agent = steps.findIndex((s) => AGENT_STEP.test(s.run ?? "") && /ssh-add\s+(-q\s+)?-(\s|$)/m.test(s.run ?? ""));
    if (agent < 0) problems.push(`${file}/${name}: no step loads the Dokku key into an ssh-agent`);
    else if (agent > script) problems.push(`${file}/${name}: the ssh-agent is loaded after the script runs`);
    if (agent >= 0 && !/SSH_AUTH_SOCK=.*>>\s*"\$GITHUB_ENV"|SSH_AUTH_SOCK=[\s\S]*>>"\$GITHUB_ENV"/.test(steps[agent]!.run ?? "")) {
      problems.push(`${file}/${name}: the agent's socket is not handed to later steps (GITHUB_ENV)`);
    }
    const cleanup = steps.findIndex((s, i) => i > script && /ssh-add -D/.test(s.run ?? "") && /always\(\)/.test(s.if ?? ""));
    if (cleanup < 0) problems.push(`${file}/${name}: the key is not removed from the agent at the end (if: always())`);
  }
  return problems;
}

/** Comment-triggered jobs start only for the repository's owner, members and collaborators. */
export function commentGateProblems(file: string, workflow: Workflow): string[] {
  if (!("issue_comment" in workflow.on)) return [];
  const problems: string[] = [];
  for (const [name, job] of Object.entries(workflow.jobs)) {
    const condition = job.if ?? "";
    if (!condition.includes("issue_comment")) continue;
    for (const clause of condition.split("||").filter((c) => c.includes("'issue_comment'"))) {
      if (!/author_association/.test(clause) || !/OWNER/.test(clause) || !/MEMBER/.test(clause) || !/COLLABORATOR/.test(clause)) {
        problems.push(`${file}/${name}: a comment starts this job without author_association OWNER/MEMBER/COLLABORATOR`);
      }
      if (/CONTRIBUTOR|NONE|FIRST_TIME/.test(clause)) problems.push(`${file}/${name}: a comment from an outsider starts this job`);
    }
  }
  return problems;
}

/** Only production's deploy runs in a GitHub environment: no preview, reap, drift or cleanup job gets its secrets. */
export function environmentProblems(file: string, workflow: Workflow): string[] {
  const problems: string[] = [];
  for (const [name, job] of Object.entries(workflow.jobs)) {
    const environment = job.with?.environment ?? job.environment;
    if (environment === undefined) continue;
    const productionJob = (file === "deploy.yml" || file === "rollback.yml") && name === "production" && environment === "production";
    if (!productionJob && file !== "lifecycle.yml") {
      problems.push(`${file}/${name}: runs in environment ${JSON.stringify(environment)}, whose secrets it must not receive`);
    }
  }
  return problems;
}

/**
 * The platform layout (vars.RESTANT_APP_REPOSITORY set): a job that a pull request or comment of this repository can
 * start runs only in the app-repository layout, and one the app repository's forwarded dispatch starts only in the
 * platform layout, so this repository's own PR #7 never shares (or replaces a run in) the app's PR #7's group.
 */
export function layoutGateProblems(file: string, workflow: Workflow): string[] {
  const problems: string[] = [];
  for (const [name, job] of Object.entries(workflow.jobs)) {
    for (const clause of (job.if ?? "").split("||")) {
      const ownEvent = /'(issue_comment|pull_request_target|pull_request)'/.test(clause);
      if (ownEvent && !/vars\.RESTANT_APP_REPOSITORY == ''/.test(clause)) problems.push(`${file}/${name}: this repository's own pull request events start the job in the platform layout`);
      if (/'repository_dispatch'/.test(clause) && file !== "deploy.yml" && !/vars\.RESTANT_APP_REPOSITORY != ''/.test(clause)) {
        problems.push(`${file}/${name}: a repository_dispatch starts the job outside the platform layout`);
      }
    }
  }
  return problems;
}
