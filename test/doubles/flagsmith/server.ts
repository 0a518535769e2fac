import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { type Fault, FaultPlan } from "./faults";
import { organisationApiKey } from "./keys";
import type { ProjectRecord } from "./records";
import { route, type RouteAnswer } from "./routes";
import { FlagsmithState } from "./state";
import { readBody } from "../request-body";

/** One request as the double saw it. Headers are not kept: the log must not hold the admin key. */
export interface FlagsmithRequestLogEntry {
  method: string;
  /** Path and query, e.g. /api/v1/environments/?project=1. */
  path: string;
  /** The status answered, or "hang" when no answer was sent. */
  status: number | "hang";
  /** Whether an injected fault answered. */
  fault: boolean;
  /** Milliseconds since the double started. */
  at: number;
}

export interface FlagsmithDouble {
  /** The API's base URL the way the SDKs write it: http://127.0.0.1:<port>/api/v1/. */
  url: string;
  /** The organisation API key the double accepts (`Authorization: Api-Key <key>`). */
  adminKey: string;
  /** A project made at start, with features `dark_mode` (off) and `new_checkout` (on, "v1"). */
  project: ProjectRecord;
  /** The organisation's data, to arrange and inspect. */
  state: FlagsmithState;
  /** Failures to answer with: 429 with Retry-After, 500, hanging responses. */
  faults: FaultPlan;
  /** Every request, in order. */
  requests: FlagsmithRequestLogEntry[];
  stop(): Promise<void>;
}

/**
 * A stateful double of Flagsmith's admin API for environments and server-side keys, over real HTTP on loopback at a
 * random port. It refuses what Flagsmith refuses: no or a wrong key (401), a taken name (400), an unknown project
 * (403 on create, 400 on list), keys of a missing environment (403), bodies that are not JSON (415).
 */
export async function startFlagsmithDouble(): Promise<FlagsmithDouble> {
  const adminKey = organisationApiKey();
  const state = new FlagsmithState();
  const project = state.addProject("Restant", [
    { name: "dark_mode", defaultEnabled: false, initialValue: null },
    { name: "new_checkout", defaultEnabled: true, initialValue: "v1" },
  ]);
  const faults = new FaultPlan();
  const requests: FlagsmithRequestLogEntry[] = [];
  const started = Date.now();

  const server = createServer((request, response) => {
    void readBody(request).then((raw) => {
      const path = request.url ?? "/";
      const entry: FlagsmithRequestLogEntry = { method: request.method ?? "GET", path, status: "hang", fault: false, at: Date.now() - started };
      requests.push(entry);
      const answer = (result: RouteAnswer | "hang", fault: boolean, retryAfter?: number): void => {
        entry.fault = fault;
        if (result === "hang") return;
        entry.status = result.status;
        send(response, result, retryAfter);
      };
      const fault = faults.take(entry.method, path);
      if (fault && !fault.afterApplying) return answer(faultAnswer(fault), true, fault.retryAfterSeconds);
      const result = handle(state, adminKey, request, path, raw);
      if (fault) return answer(faultAnswer(fault), true, fault.retryAfterSeconds);
      answer(result, false);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/api/v1/`,
    adminKey,
    project,
    state,
    faults,
    requests,
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
}

function handle(state: FlagsmithState, adminKey: string, request: IncomingMessage, path: string, raw: string): RouteAnswer {
  // rest_framework_api_key's KeyParser: exactly "Api-Key <key>"; anything else is no key at all.
  const [scheme, key, ...extra] = (request.headers.authorization ?? "").split(/\s+/).filter(Boolean);
  if (scheme !== "Api-Key" || !key || extra.length > 0) return { status: 401, body: { detail: "Authentication credentials were not provided." } };
  if (key !== adminKey) return { status: 401, body: { detail: "Valid Master API Key not found." } };

  const url = new URL(path, `http://${request.headers.host ?? "127.0.0.1"}`);
  if (!url.pathname.startsWith("/api/v1/")) return { status: 404, body: { detail: "Not found." } };
  let body: Record<string, unknown> = {};
  if (raw !== "") {
    const type = (request.headers["content-type"] ?? "").split(";")[0]!.trim();
    if (type !== "application/json") return { status: 415, body: { detail: `Unsupported media type "${type}" in request.` } };
    try {
      const parsed: unknown = JSON.parse(raw);
      if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
        return { status: 400, body: { non_field_errors: ["Invalid data. Expected a dictionary, but got list."] } };
      }
      body = parsed as Record<string, unknown>;
    } catch (error) {
      return { status: 400, body: { detail: `JSON parse error - ${(error as Error).message}` } };
    }
  }
  return route(state, {
    method: request.method ?? "GET",
    path: url.pathname.slice("/api/v1".length),
    query: url.searchParams,
    body,
    base: `${url.origin}/api/v1`,
  });
}

function faultAnswer(fault: Fault): RouteAnswer | "hang" {
  if (fault.answer === "hang") return "hang";
  if (fault.answer !== 429) return { status: fault.answer, body: `<h1>Server Error (${fault.answer})</h1>` };
  const when = fault.retryAfterSeconds === undefined ? "" : ` Expected available in ${fault.retryAfterSeconds} seconds.`;
  return { status: 429, body: { detail: `Request was throttled.${when}` } };
}

function send(response: ServerResponse, answer: RouteAnswer, retryAfterSeconds?: number): void {
  const headers: Record<string, string> = {};
  if (retryAfterSeconds !== undefined) headers["Retry-After"] = String(retryAfterSeconds);
  if (answer.status === 401) headers["WWW-Authenticate"] = 'Bearer realm="api"';
  if (answer.body === undefined) {
    response.writeHead(answer.status, headers).end();
    return;
  }
  if (typeof answer.body === "string") {
    response.writeHead(answer.status, { ...headers, "Content-Type": "text/html" }).end(answer.body);
    return;
  }
  response.writeHead(answer.status, { ...headers, "Content-Type": "application/json" }).end(JSON.stringify(answer.body));
}
