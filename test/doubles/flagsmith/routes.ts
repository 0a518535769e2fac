import type { EnvironmentRow, ServerKeyRow } from "./records";
import type { FlagsmithState } from "./state";

// The admin routes of api/environments/ (urls.py, views.py, serializers.py of Flagsmith), with Django REST
// framework's status codes and error bodies.

export interface RouteRequest {
  method: string;
  /** Path under /api/v1, e.g. /environments/abc/. */
  path: string;
  query: URLSearchParams;
  body: Record<string, unknown>;
  /** Where `next` links point: scheme, host and port as the client used them, then /api/v1. */
  base: string;
}

export interface RouteAnswer {
  status: number;
  body?: unknown;
}

const PAGE_SIZE = 10;
const NOT_FOUND = (model: string): RouteAnswer => ({ status: 404, body: { detail: `No ${model} matches the given query.` } });
const FORBIDDEN: RouteAnswer = { status: 403, body: { detail: "You do not have permission to perform this action." } };
const NAME_TAKEN: RouteAnswer = { status: 400, body: { non_field_errors: ["An environment with this name already exists."] } };
const notAllowed = (method: string): RouteAnswer => ({ status: 405, body: { detail: `Method "${method}" not allowed.` } });

export function route(state: FlagsmithState, request: RouteRequest): RouteAnswer {
  const parts = request.path.split("/").filter(Boolean);
  if (parts[0] !== "environments" || !request.path.endsWith("/")) return { status: 404, body: { detail: "Not found." } };
  const [, first, second, third, ...rest] = parts;
  if (first === undefined) return environmentsCollection(state, request);
  if (first === "get-by-uuid" && second !== undefined && third === undefined) {
    if (request.method !== "GET") return notAllowed(request.method);
    const environment = state.environmentByUuid(second);
    return environment ? { status: 200, body: environmentBody(environment, true) } : NOT_FOUND("Environment");
  }
  if (second === undefined) return environmentItem(state, request, first);
  if (second === "clone" && third === undefined) return cloneEnvironment(state, request, first);
  if (second === "api-keys" && rest.length === 0) return serverKeys(state, request, first, third);
  return { status: 404, body: { detail: "Not found." } };
}

function environmentsCollection(state: FlagsmithState, request: RouteRequest): RouteAnswer {
  if (request.method === "GET") {
    const project = state.project(Number(request.query.get("project")));
    if (!project) return { status: 400, body: ["Invalid or missing value for project parameter."] };
    return page(state.liveEnvironments(project.id).map((row) => environmentBody(row, false)), request);
  }
  if (request.method !== "POST") return notAllowed(request.method);
  // EnvironmentPermissions.has_permission: an unreadable or unknown project is a permission failure, not a 400.
  const project = Number.isInteger(Number(request.body.project)) ? state.project(Number(request.body.project)) : undefined;
  if (!project) return FORBIDDEN;
  const name = request.body.name;
  const invalid = nameProblem(name, 2000);
  if (invalid) return invalid;
  if (state.nameTaken(project.id, name as string)) return NAME_TAKEN;
  const description = typeof request.body.description === "string" ? request.body.description : null;
  return { status: 201, body: environmentBody(state.createEnvironment(project, name as string, description), false) };
}

function environmentItem(state: FlagsmithState, request: RouteRequest, apiKey: string): RouteAnswer {
  const environment = state.environmentByKey(apiKey);
  if (!["GET", "PUT", "PATCH", "DELETE"].includes(request.method)) return notAllowed(request.method);
  if (!environment) return NOT_FOUND("Environment");
  if (request.method === "GET") return { status: 200, body: environmentBody(environment, true) };
  if (request.method === "DELETE") {
    state.deleteEnvironment(environment);
    return { status: 204 };
  }
  const name = request.body.name;
  if (request.method === "PUT" || name !== undefined) {
    const invalid = nameProblem(name, 2000);
    if (invalid) return invalid;
    if (state.nameTaken(environment.project, name as string, environment.id)) return NAME_TAKEN;
    environment.name = name as string;
  }
  if (typeof request.body.description === "string") environment.description = request.body.description;
  return { status: 200, body: environmentBody(environment, false) };
}

/** CloneEnvironmentSerializer: a name is required, but, unlike create, it is not checked for uniqueness. */
function cloneEnvironment(state: FlagsmithState, request: RouteRequest, apiKey: string): RouteAnswer {
  if (request.method !== "POST") return notAllowed(request.method);
  const source = state.environmentByKey(apiKey);
  if (!source) return NOT_FOUND("Environment");
  const invalid = nameProblem(request.body.name, 2000);
  if (invalid) return invalid;
  const clone = state.cloneEnvironment(source, request.body.name as string);
  return { status: 200, body: { id: clone.id, name: clone.name, api_key: clone.apiKey, project: clone.project } };
}

/** EnvironmentAPIKeyViewSet: list (unpaginated), create, update, destroy; no retrieve. */
function serverKeys(state: FlagsmithState, request: RouteRequest, apiKey: string, keyId: string | undefined): RouteAnswer {
  // EnvironmentAdminPermission looks the environment up and refuses, with a 403, when there is none.
  const environment = state.environmentByKey(apiKey);
  if (keyId === undefined) {
    if (request.method !== "GET" && request.method !== "POST") return notAllowed(request.method);
    if (!environment) return FORBIDDEN;
    if (request.method === "GET") return { status: 200, body: state.serverKeysOf(environment).map(serverKeyBody) };
    const invalid = nameProblem(request.body.name, 100);
    if (invalid) return invalid;
    const active = typeof request.body.active === "boolean" ? request.body.active : true;
    const expiresAt = typeof request.body.expires_at === "string" ? request.body.expires_at : null;
    return { status: 201, body: serverKeyBody(state.createServerKey(environment, request.body.name as string, active, expiresAt)) };
  }
  if (!["PUT", "PATCH", "DELETE"].includes(request.method)) return notAllowed(request.method);
  if (!environment) return FORBIDDEN;
  const key = state.serverKeysOf(environment).find((row) => String(row.id) === keyId);
  if (!key) return NOT_FOUND("EnvironmentAPIKey");
  if (request.method === "DELETE") {
    state.deleteServerKey(key);
    return { status: 204 };
  }
  if (request.method === "PUT" || request.body.name !== undefined) {
    const invalid = nameProblem(request.body.name, 100);
    if (invalid) return invalid;
    key.name = request.body.name as string;
  }
  if (request.body.active !== undefined) {
    if (typeof request.body.active !== "boolean") return { status: 400, body: { active: ["Must be a valid boolean."] } };
    key.active = request.body.active;
  }
  return { status: 200, body: serverKeyBody(key) };
}

function nameProblem(name: unknown, maxLength: number): RouteAnswer | undefined {
  if (name === undefined || name === null) return { status: 400, body: { name: ["This field is required."] } };
  if (typeof name !== "string") return { status: 400, body: { name: ["Not a valid string."] } };
  if (name.trim() === "") return { status: 400, body: { name: ["This field may not be blank."] } };
  if (name.length > maxLength) return { status: 400, body: { name: [`Ensure this field has no more than ${maxLength} characters.`] } };
  return undefined;
}

/** PageNumberPagination: `?page=n`, absolute `next`/`previous`, 404 "Invalid page." past the end. */
function page(items: unknown[], request: RouteRequest): RouteAnswer {
  const requested = request.query.get("page") ?? "1";
  const number = /^[1-9][0-9]*$/.test(requested) ? Number(requested) : requested === "last" ? Math.max(1, Math.ceil(items.length / PAGE_SIZE)) : NaN;
  const pages = Math.max(1, Math.ceil(items.length / PAGE_SIZE));
  if (!Number.isInteger(number) || number > pages) return { status: 404, body: { detail: "Invalid page." } };
  const link = (n: number): string => {
    const query = new URLSearchParams(request.query);
    if (n === 1) query.delete("page");
    else query.set("page", String(n));
    const text = query.toString();
    return `${request.base}${request.path}${text ? `?${text}` : ""}`;
  };
  return {
    status: 200,
    body: {
      count: items.length,
      next: number < pages ? link(number + 1) : null,
      previous: number > 1 ? link(number - 1) : null,
      results: items.slice((number - 1) * PAGE_SIZE, number * PAGE_SIZE),
    },
  };
}

function environmentBody(row: EnvironmentRow, retrieve: boolean): Record<string, unknown> {
  return {
    id: row.id,
    uuid: row.uuid,
    name: row.name,
    api_key: row.apiKey,
    description: row.description,
    project: row.project,
    minimum_change_request_approvals: null,
    allow_client_traits: true,
    banner_text: null,
    banner_colour: null,
    hide_disabled_flags: null,
    use_mv_v2_evaluation: false,
    use_identity_composite_key_for_hashing: false,
    hide_sensitive_data: false,
    use_v2_feature_versioning: false,
    use_identity_overrides_in_local_eval: false,
    is_creating: false,
    metadata: [],
    ...(retrieve ? { total_segment_overrides: 0 } : {}),
  };
}

function serverKeyBody(row: ServerKeyRow): Record<string, unknown> {
  return { id: row.id, key: row.key, active: row.active, created_at: row.createdAt, name: row.name, expires_at: row.expiresAt };
}
