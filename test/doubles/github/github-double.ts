import type { IncomingMessage, ServerResponse } from "node:http";
import { LoopbackServer } from "../loopback-server";
import {
  GitHubState,
  type Role,
  type StoredComment,
  type StoredDeployment,
  type StoredDeploymentState,
  type StoredDeploymentStatus,
  type StoredIssue,
} from "./github-state";

const DEPLOYMENT_STATES: readonly StoredDeploymentState[] = ["error", "failure", "inactive", "in_progress", "queued", "pending", "success"];
/** GitHub refuses deployment status descriptions longer than this. */
const STATUS_DESCRIPTION_LIMIT = 140;

/** GitHub refuses comment and issue bodies over this many characters. */
const BODY_LIMIT = 65_536;
const MAX_PER_PAGE = 100;

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: Record<string, unknown>,
    readonly headers: Record<string, string> = {},
  ) {
    super(String(body.message));
  }
}

const notFound = () => new HttpError(404, { message: "Not Found", documentation_url: "https://docs.github.com/rest" });
const invalid = (resource: string, field: string, message: string) =>
  new HttpError(422, { message: "Validation Failed", errors: [{ resource, code: "custom", field, message }] });

export interface GitHubDoubleOptions {
  owner?: string;
  repo?: string;
  /** The only token accepted. */
  token?: string;
  /** The login the token acts as. Default: github-actions[bot]. */
  tokenUser?: string;
  /** Public repositories give every user `read`; private ones `none`. Default: public. */
  visibility?: "public" | "private";
}

/** One repository the double serves, and the one token allowed to act on it (as a workflow's GITHUB_TOKEN is). */
interface HostedRepository {
  state: GitHubState;
  token: string;
  visibility: "public" | "private";
}

/**
 * A stateful GitHub REST double over real HTTP, for Octokit: issues and pull requests in one numbering, comments,
 * labels, collaborator permission (role_name kept apart from the folded `permission`), Link-header pagination,
 * workflow dispatch with declared inputs, the 65,536-character body limit, bad credentials, secondary rate
 * limits (403 with Retry-After) on demand, and deployments with their statuses (a ref must name a commit the repository
 * holds; states and the 140-character description are validated; auto_inactive as GitHub applies it). It can serve
 * more than one repository (`addRepository`), each with the one token allowed on it: another repository's token gets
 * GitHub's 403 "Resource not accessible by integration". `POST …/dispatches` records a repository_dispatch (event_type
 * of 1 to 100 characters, client_payload of at most 10 properties).
 */
export class GitHubDouble {
  readonly state: GitHubState;
  /** Every request served, in order: `GET /repos/o/r/pulls/1`. */
  readonly requests: string[] = [];
  private secondaryLimitedRequests = 0;
  private readonly http = new LoopbackServer("GitHub", (req, res) => this.serve(req, res));
  private readonly token: string;
  private readonly repositories = new Map<string, HostedRepository>();

  constructor(options: GitHubDoubleOptions = {}) {
    this.state = new GitHubState(options.owner ?? "restant", options.repo ?? "environments", options.tokenUser ?? "github-actions[bot]");
    this.token = options.token ?? "ghs_double_token";
    this.repositories.set(this.state.fullName, { state: this.state, token: this.token, visibility: options.visibility ?? "public" });
  }

  /**
   * Another repository on the same API (the app repository of the platform layout), with a token of its own: the
   * first repository's token gets 403 there, and this one's 403 on the first. Returns its state.
   */
  addRepository(options: Required<Pick<GitHubDoubleOptions, "owner" | "repo" | "token" | "tokenUser">> & Pick<GitHubDoubleOptions, "visibility">): GitHubState {
    const state = new GitHubState(options.owner, options.repo, options.tokenUser);
    if (this.repositories.has(state.fullName)) throw new Error(`the double already serves ${state.fullName}`);
    this.repositories.set(state.fullName, { state, token: options.token, visibility: options.visibility ?? "public" });
    return state;
  }

  get url(): string {
    return this.http.url;
  }

  get acceptedToken(): string {
    return this.token;
  }

  async start(): Promise<this> {
    await this.http.start();
    return this;
  }

  async stop(): Promise<void> {
    await this.http.stop();
  }

  setRole(user: string, role: Role): void {
    this.state.roles.set(user, role);
  }

  /** The next `count` requests are refused as GitHub refuses a burst: 403, a secondary rate limit, Retry-After: 1. */
  limitNextRequests(count: number): void {
    this.secondaryLimitedRequests = count;
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://double");
    this.requests.push(`${req.method} ${url.pathname}`);
    try {
      const token = /^(?:token|Bearer) (.+)$/.exec(req.headers.authorization ?? "")?.[1];
      const known = [...this.repositories.values()].some((r) => r.token === token);
      if (!token || !known) throw new HttpError(401, { message: "Bad credentials", documentation_url: "https://docs.github.com/rest" });
      const hosted = [...this.repositories.values()].find((r) => url.pathname.startsWith(`/repos/${r.state.fullName}/`));
      if (!hosted) throw notFound();
      // A token of another repository (a workflow's GITHUB_TOKEN is scoped to its own) is refused as GitHub does.
      if (hosted.token !== token) throw new HttpError(403, { message: "Resource not accessible by integration", documentation_url: "https://docs.github.com/rest" });
      if (this.secondaryLimitedRequests > 0) {
        this.secondaryLimitedRequests--;
        throw new HttpError(
          403,
          { message: "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.", documentation_url: "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api" },
          { "retry-after": "1" },
        );
      }
      const body = await readJson(req);
      const result = this.route(hosted, req.method ?? "GET", url, body);
      const headers: Record<string, string> = { "content-type": "application/json; charset=utf-8", "x-ratelimit-remaining": "4999", ...result.headers };
      res.writeHead(result.status, headers);
      res.end(result.body === undefined ? "" : JSON.stringify(result.body));
    } catch (error) {
      const failure = error instanceof HttpError ? error : new HttpError(500, { message: error instanceof Error ? error.message : String(error) });
      res.writeHead(failure.status, { "content-type": "application/json; charset=utf-8", ...failure.headers });
      res.end(JSON.stringify(failure.body));
    }
  }

  private route(hosted: HostedRepository, method: string, url: URL, body: Record<string, unknown>): { status: number; body?: unknown; headers?: Record<string, string> } {
    const repo = hosted.state;
    const path = url.pathname.slice(`/repos/${repo.fullName}`.length);
    const q = url.searchParams;
    let m: RegExpExecArray | null;

    if (method === "GET" && path === "/pulls") {
      const state = q.get("state") ?? "open";
      const pulls = [...repo.issues.values()]
        .filter((i) => i.pull && (state === "all" || i.state === state))
        .sort((a, b) => b.number - a.number);
      return this.page(url, pulls.map((p) => this.pullJson(repo, p)));
    }
    if (method === "GET" && (m = /^\/pulls\/(\d+)$/.exec(path))) {
      const issue = repo.issues.get(Number(m[1]));
      if (!issue?.pull) throw notFound();
      return { status: 200, body: this.pullJson(repo, issue) };
    }
    if (method === "GET" && (m = /^\/collaborators\/([^/]+)\/permission$/.exec(path))) {
      const user = decodeURIComponent(m[1]!);
      const role = repo.roles.get(user) ?? (hosted.visibility === "public" ? "read" : "none");
      const folded = role === "maintain" ? "write" : role === "triage" ? "read" : role;
      return { status: 200, body: { permission: folded, role_name: role, user: { login: user } } };
    }
    if ((m = /^\/issues\/(\d+)\/comments$/.exec(path))) {
      const issue = this.issue(repo, Number(m[1]));
      if (method === "GET") return this.page(url, repo.commentsOn(issue.number).map((c) => this.commentJson(c)));
      if (method === "POST") {
        const text = checkBody(body.body, "IssueComment", true);
        return { status: 201, body: this.commentJson(repo.addComment(issue.number, repo.tokenUser, text)) };
      }
    }
    if (method === "PATCH" && (m = /^\/issues\/comments\/(\d+)$/.exec(path))) {
      const comment = repo.comments.find((c) => c.id === Number(m![1]));
      if (!comment) throw notFound();
      comment.body = checkBody(body.body, "IssueComment", true);
      comment.updatedAt = repo.timestamp();
      return { status: 200, body: this.commentJson(comment) };
    }
    if ((m = /^\/issues\/(\d+)\/labels$/.exec(path)) && method === "POST") {
      const issue = this.issue(repo, Number(m[1]));
      const labels = body.labels;
      if (!Array.isArray(labels) || labels.some((l) => typeof l !== "string" || l.length === 0 || l.length > 50)) {
        throw invalid("Label", "labels", "labels must be a list of names of 1 to 50 characters");
      }
      for (const label of labels as string[]) if (!issue.labels.includes(label)) issue.labels.push(label);
      return { status: 200, body: issue.labels.map((name) => ({ name })) };
    }
    if ((m = /^\/issues\/(\d+)\/labels\/(.+)$/.exec(path)) && method === "DELETE") {
      const issue = this.issue(repo, Number(m[1]));
      const name = decodeURIComponent(m[2]!);
      if (!issue.labels.includes(name)) throw new HttpError(404, { message: "Label does not exist" });
      issue.labels = issue.labels.filter((l) => l !== name);
      return { status: 200, body: issue.labels.map((l) => ({ name: l })) };
    }
    if (path === "/issues" && method === "GET") {
      const state = q.get("state") ?? "open";
      const wanted = (q.get("labels") ?? "").split(",").filter(Boolean);
      const issues = [...repo.issues.values()]
        .filter((i) => (state === "all" || i.state === state) && wanted.every((l) => i.labels.includes(l)))
        .sort((a, b) => b.number - a.number);
      return this.page(url, issues.map((i) => this.issueJson(repo, i)));
    }
    if (path === "/issues" && method === "POST") {
      if (typeof body.title !== "string" || body.title.trim() === "") throw invalid("Issue", "title", "title can't be blank");
      const text = body.body === undefined ? "" : checkBody(body.body, "Issue", false);
      const labels = Array.isArray(body.labels) ? body.labels.filter((l): l is string => typeof l === "string") : [];
      return { status: 201, body: this.issueJson(repo, repo.createIssue(repo.tokenUser, body.title, text, labels)) };
    }
    if ((m = /^\/issues\/(\d+)$/.exec(path))) {
      const issue = this.issue(repo, Number(m[1]));
      if (method === "GET") return { status: 200, body: this.issueJson(repo, issue) };
      if (method === "PATCH") {
        if (body.body !== undefined) issue.body = checkBody(body.body, "Issue", false);
        if (body.state !== undefined) {
          if (body.state !== "open" && body.state !== "closed") throw invalid("Issue", "state", "state must be open or closed");
          if (issue.pull && body.state === "open" && issue.pull.merged) throw invalid("Issue", "state", "a merged pull request cannot be reopened");
          issue.state = body.state;
        }
        if (typeof body.title === "string") issue.title = body.title;
        return { status: 200, body: this.issueJson(repo, issue) };
      }
    }
    if (method === "POST" && (m = /^\/actions\/workflows\/([^/]+)\/dispatches$/.exec(path))) {
      const workflow = decodeURIComponent(m[1]!);
      const declared = repo.workflows.get(workflow);
      if (!declared) throw notFound();
      if (typeof body.ref !== "string" || body.ref === "") throw invalid("Workflow", "ref", "ref is required");
      const inputs = (body.inputs ?? {}) as Record<string, unknown>;
      const unexpected = Object.keys(inputs).filter((k) => !declared.includes(k));
      if (unexpected.length > 0) throw new HttpError(422, { message: `Unexpected inputs provided: ${JSON.stringify(unexpected)}` });
      repo.dispatches.push({ workflow, ref: body.ref, inputs: Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, String(v)])) });
      return { status: 204 };
    }
    if (path === "/dispatches" && method === "POST") {
      // repository_dispatch: GitHub starts the workflows of this repository that listen for the event type.
      const eventType = body.event_type;
      if (typeof eventType !== "string" || eventType === "" || eventType.length > 100) {
        throw invalid("RepositoryDispatch", "event_type", "event_type must be a string of 1 to 100 characters");
      }
      const payload = body.client_payload ?? {};
      if (typeof payload !== "object" || payload === null || Array.isArray(payload)) throw invalid("RepositoryDispatch", "client_payload", "client_payload must be an object");
      if (Object.keys(payload).length > 10) throw new HttpError(422, { message: "client_payload: No more than 10 properties are allowed; " + `${Object.keys(payload).length} were supplied.` });
      repo.repositoryDispatches.push({ eventType, clientPayload: payload as Record<string, unknown> });
      return { status: 204 };
    }
    if (path === "/deployments" && method === "POST") return { status: 201, body: this.deploymentJson(repo, this.createDeployment(repo, body)) };
    if (path === "/deployments" && method === "GET") {
      const filters: Array<[string, (d: StoredDeployment) => string]> = [
        ["sha", (d) => d.sha],
        ["ref", (d) => d.ref],
        ["task", (d) => d.task],
        ["environment", (d) => d.environment],
      ];
      const listed = repo.deployments
        .filter((d) => filters.every(([name, of]) => !q.has(name) || of(d) === q.get(name)))
        .sort((a, b) => b.id - a.id);
      return this.page(url, listed.map((d) => this.deploymentJson(repo, d)));
    }
    if ((m = /^\/deployments\/(\d+)$/.exec(path)) && method === "GET") return { status: 200, body: this.deploymentJson(repo, this.deployment(repo, Number(m[1]))) };
    if ((m = /^\/deployments\/(\d+)\/statuses$/.exec(path))) {
      const deployment = this.deployment(repo, Number(m[1]));
      if (method === "GET") return this.page(url, [...deployment.statuses].reverse().map((s) => this.statusJson(repo, deployment, s)));
      if (method === "POST") return { status: 201, body: this.statusJson(repo, deployment, this.createStatus(repo, deployment, body)) };
    }
    throw notFound();
  }

  private createDeployment(repo: GitHubState, body: Record<string, unknown>): StoredDeployment {
    if (typeof body.ref !== "string" || body.ref === "") throw invalid("Deployment", "ref", "ref can't be blank");
    const sha = repo.resolveRef(body.ref);
    if (!sha) throw new HttpError(422, { message: `No ref found for: ${body.ref}`, documentation_url: "https://docs.github.com/rest/deployments/deployments#create-a-deployment" });
    const environment = body.environment === undefined ? "production" : body.environment;
    if (typeof environment !== "string" || environment === "") throw invalid("Deployment", "environment", "environment can't be blank");
    if (body.payload !== undefined && typeof body.payload !== "string" && (typeof body.payload !== "object" || body.payload === null)) {
      throw invalid("Deployment", "payload", "payload must be an object or a JSON string");
    }
    const flag = (name: string, fallback: boolean) => {
      const value = body[name];
      if (value === undefined) return fallback;
      if (typeof value !== "boolean") throw invalid("Deployment", name, `${name} must be a boolean`);
      return value;
    };
    return repo.createDeployment({
      sha,
      ref: body.ref,
      task: typeof body.task === "string" ? body.task : "deploy",
      environment,
      description: typeof body.description === "string" ? body.description : "",
      payload: typeof body.payload === "string" ? body.payload : (body.payload ?? {}),
      creator: repo.tokenUser,
      transient: flag("transient_environment", false),
      production: flag("production_environment", environment === "production"),
    });
  }

  private createStatus(repo: GitHubState, deployment: StoredDeployment, body: Record<string, unknown>): StoredDeploymentStatus {
    const state = body.state;
    if (typeof state !== "string" || !DEPLOYMENT_STATES.includes(state as StoredDeploymentState)) {
      throw invalid("DeploymentStatus", "state", `state is not included in the list (${DEPLOYMENT_STATES.join(", ")})`);
    }
    const description = body.description === undefined ? "" : body.description;
    if (typeof description !== "string") throw invalid("DeploymentStatus", "description", "description must be a string");
    if (description.length > STATUS_DESCRIPTION_LIMIT) {
      throw invalid("DeploymentStatus", "description", `description is too long (maximum is ${STATUS_DESCRIPTION_LIMIT} characters)`);
    }
    const text = (name: string) => (typeof body[name] === "string" ? (body[name] as string) : "");
    const autoInactive = body.auto_inactive === undefined ? true : body.auto_inactive === true;
    return repo.addDeploymentStatus(
      deployment,
      {
        state: state as StoredDeploymentState,
        description,
        environmentUrl: text("environment_url"),
        logUrl: text("log_url") || text("target_url"),
        creator: repo.tokenUser,
      },
      autoInactive,
    );
  }

  private deployment(repo: GitHubState, id: number): StoredDeployment {
    const found = repo.deployments.find((d) => d.id === id);
    if (!found) throw notFound();
    return found;
  }

  private deploymentJson(repo: GitHubState, d: StoredDeployment) {
    const url = `${this.url}/repos/${repo.fullName}/deployments/${d.id}`;
    return {
      url,
      id: d.id,
      node_id: `DE_${d.id}`,
      sha: d.sha,
      ref: d.ref,
      task: d.task,
      payload: d.payload,
      original_environment: d.environment,
      environment: d.environment,
      description: d.description,
      creator: { login: d.creator },
      created_at: d.createdAt,
      updated_at: d.statuses.at(-1)?.createdAt ?? d.createdAt,
      statuses_url: `${url}/statuses`,
      repository_url: `${this.url}/repos/${repo.fullName}`,
      transient_environment: d.transient,
      production_environment: d.production,
    };
  }

  private statusJson(repo: GitHubState, d: StoredDeployment, s: StoredDeploymentStatus) {
    const deploymentUrl = `${this.url}/repos/${repo.fullName}/deployments/${d.id}`;
    return {
      url: `${deploymentUrl}/statuses/${s.id}`,
      id: s.id,
      state: s.state,
      creator: { login: s.creator },
      description: s.description,
      environment: d.environment,
      target_url: s.logUrl,
      log_url: s.logUrl,
      environment_url: s.environmentUrl,
      created_at: s.createdAt,
      updated_at: s.createdAt,
      deployment_url: deploymentUrl,
      repository_url: `${this.url}/repos/${repo.fullName}`,
    };
  }

  private issue(repo: GitHubState, number: number): StoredIssue {
    const issue = repo.issues.get(number);
    if (!issue) throw notFound();
    return issue;
  }

  /** One page of a list, with GitHub's Link header (`rel="next"`, `rel="last"`) when more pages exist. */
  private page(url: URL, items: unknown[]): { status: number; body: unknown; headers: Record<string, string> } {
    const perPage = Math.min(Number(url.searchParams.get("per_page") ?? 30) || 30, MAX_PER_PAGE);
    const page = Math.max(Number(url.searchParams.get("page") ?? 1) || 1, 1);
    const last = Math.max(Math.ceil(items.length / perPage), 1);
    const links: string[] = [];
    const linkTo = (p: number) => {
      const target = new URL(url.toString().replace("http://double", this.url));
      target.searchParams.set("page", String(p));
      target.searchParams.set("per_page", String(perPage));
      return target.toString();
    };
    if (page < last) links.push(`<${linkTo(page + 1)}>; rel="next"`, `<${linkTo(last)}>; rel="last"`);
    if (page > 1) links.push(`<${linkTo(page - 1)}>; rel="prev"`, `<${linkTo(1)}>; rel="first"`);
    return { status: 200, body: items.slice((page - 1) * perPage, page * perPage), headers: links.length ? { link: links.join(", ") } : {} };
  }

  private pullJson(repo: GitHubState, issue: StoredIssue) {
    const pull = issue.pull!;
    return {
      number: issue.number,
      state: issue.state,
      title: issue.title,
      user: { login: issue.author },
      labels: issue.labels.map((name) => ({ name })),
      merged_at: pull.merged ? issue.createdAt : null,
      head: { sha: pull.headSha, ref: pull.headRef, repo: pull.headRepo ? { full_name: pull.headRepo } : null },
      base: { ref: pull.baseRef, repo: { full_name: repo.fullName } },
    };
  }

  private issueJson(repo: GitHubState, issue: StoredIssue) {
    return {
      number: issue.number,
      title: issue.title,
      body: issue.body,
      state: issue.state,
      user: { login: issue.author },
      labels: issue.labels.map((name) => ({ name })),
      ...(issue.pull ? { pull_request: { url: `${this.url}/repos/${repo.fullName}/pulls/${issue.number}` } } : {}),
    };
  }

  private commentJson(comment: StoredComment) {
    return { id: comment.id, body: comment.body, user: { login: comment.author }, created_at: comment.createdAt, updated_at: comment.updatedAt };
  }
}

function checkBody(value: unknown, resource: string, required: boolean): string {
  if (typeof value !== "string" || (required && value.length === 0)) throw invalid(resource, "body", "body can't be blank");
  if (value.length > BODY_LIMIT) throw invalid(resource, "body", `body is too long (maximum is ${BODY_LIMIT} characters)`);
  return value;
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  if (chunks.length === 0) return {};
  const text = Buffer.concat(chunks).toString("utf8");
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === "object" && parsed !== null ? (parsed as Record<string, unknown>) : {};
  } catch {
    throw new HttpError(400, { message: "Problems parsing JSON" });
  }
}
