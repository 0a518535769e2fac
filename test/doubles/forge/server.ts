import { randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { LoopbackServer } from "../loopback-server";
import { route } from "./routes";
import { ForgeState } from "./state";
import { wallClock, type ForgeDoubleClock } from "./clock";
import { readBody } from "../request-body";

/** One request as the double saw it (no headers: the log must not hold the token). */
export interface ForgeRequestLogEntry {
  method: string;
  /** Path and query under the host, e.g. /api/orgs/acme/servers/5/sites?page[size]=100. */
  path: string;
  status: number;
}

export interface ForgeDoubleOptions {
  /** Requests a user may make per window. Default 60, Forge's. */
  rateLimit?: number;
  /** The window, ms. Default 60 000 (a minute); tests shorten it to keep a 429 storm quick. */
  rateWindowMs?: number;
  /** How long asynchronous work takes, ms. Default 20. */
  asyncMs?: number;
  /** When work finishes and rate windows reset. Default the wall clock; a `SteppedClock` moves only when told. */
  clock?: ForgeDoubleClock;
}

export interface ForgeDouble {
  /** The API's base, as FORGE_API_URL takes it: http://127.0.0.1:<port>/api. */
  url: string;
  /** The organization's slug. */
  organization: string;
  /** A server of the organization. */
  serverId: number;
  /** The rate limit's window, ms. */
  rateWindowMs: number;
  /** The token the double accepts now. */
  token: string;
  /** Makes a new token and revokes the old one (a rotation): answers 401 to the old one from now on. */
  rotateToken(): string;
  state: ForgeState;
  requests: ForgeRequestLogEntry[];
  /** Requests that changed something (not GET), answered 2xx. */
  writes(): ForgeRequestLogEntry[];
  stop(): Promise<void>;
}

/**
 * A stateful double of Forge's organization API over real HTTP on loopback. It answers as the reference says: 401 for
 * a missing or wrong Bearer token, JSON:API bodies with string ids, 202 for asynchronous writes whose status moves on,
 * cursor pagination, 404 `{message}`, 422 `{message, errors}`, and a rate limit per user (60 a minute) with
 * X-RateLimit-Limit and -Remaining on every answer and 429 with Retry-After and X-RateLimit-Reset once it is spent.
 */
export async function startForgeDouble(options: ForgeDoubleOptions = {}): Promise<ForgeDouble> {
  const organization = "restant-co";
  const serverId = 5150;
  const clock = options.clock ?? wallClock;
  const state = new ForgeState(organization, [serverId], clock);
  if (options.asyncMs !== undefined) state.asyncMs = options.asyncMs;
  const limit = options.rateLimit ?? 60;
  const windowMs = options.rateWindowMs ?? 60_000;
  const requests: ForgeRequestLogEntry[] = [];
  let token = newToken();
  let window = { startedAt: clock.now(), used: 0 };

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const raw = await readBody(request);
    const url = new URL(request.url ?? "/", "http://double");
    const method = request.method ?? "GET";
    const entry: ForgeRequestLogEntry = { method, path: `${url.pathname}${url.search}`, status: 0 };
    requests.push(entry);
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      entry.status = status;
      response.writeHead(status, { "Content-Type": "application/json", ...headers });
      response.end(body === undefined ? "" : JSON.stringify(body));
    };
    const offered = /^Bearer (.+)$/.exec(request.headers.authorization ?? "")?.[1];
    if (offered !== token) return send(401, { message: "Unauthenticated." });

    // Laravel's throttle: a fixed window per user, counted before the route runs.
    const now = clock.now();
    if (now - window.startedAt >= windowMs) window = { startedAt: now, used: 0 };
    const resetAt = window.startedAt + windowMs;
    if (window.used >= limit) {
      const retryAfter = Math.max(1, Math.ceil((resetAt - now) / 1000));
      return send(429, { message: "Too Many Attempts." }, {
        "Retry-After": String(retryAfter),
        "X-RateLimit-Limit": String(limit),
        "X-RateLimit-Remaining": "0",
        "X-RateLimit-Reset": String(Math.ceil(resetAt / 1000)),
      });
    }
    window.used += 1;
    const rateHeaders = { "X-RateLimit-Limit": String(limit), "X-RateLimit-Remaining": String(limit - window.used) };

    let body: Record<string, unknown> = {};
    if (raw !== "") {
      if (request.headers["content-type"] !== "application/json") return send(415, { message: "Send JSON." }, rateHeaders);
      try {
        body = JSON.parse(raw) as Record<string, unknown>;
      } catch {
        return send(400, { message: "The body is not valid JSON." }, rateHeaders);
      }
    }
    const answer = route(state, method, url.pathname, url.searchParams, body);
    send(answer.status, answer.body, rateHeaders);
  };

  const server = new LoopbackServer("Forge", handle);
  await server.start();
  return {
    url: `${server.url}/api`,
    organization,
    serverId,
    rateWindowMs: windowMs,
    get token() {
      return token;
    },
    rotateToken() {
      token = newToken();
      return token;
    },
    state,
    requests,
    writes: () => requests.filter((r) => r.method !== "GET" && r.status >= 200 && r.status < 300),
    stop: () => server.stop(),
  };
}

function newToken(): string {
  return `forge-double-${randomBytes(24).toString("hex")}`;
}
