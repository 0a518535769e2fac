import * as tls from "node:tls";
import * as https from "node:https";
import type { Clock } from "./clock";

/** One request to the environment's health URL, as seen from outside. */
export type ProbeResult = { kind: "answered"; status: number } | { kind: "unreachable"; reason: string };

/** Asks the health URL once; injected so tests neither wait nor need the network. */
export interface HealthProbe {
  get(url: string, basicAuth?: { user: string; password: string }): Promise<ProbeResult>;
}

export interface HealthCheckOptions {
  /** Give up after this long (default 10 minutes). */
  timeoutMs: number;
  /** First wait between attempts; doubles each time up to `maxDelayMs` (defaults 5 s and 60 s). */
  firstDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_HEALTH_CHECK: HealthCheckOptions = { timeoutMs: 10 * 60_000, firstDelayMs: 5_000, maxDelayMs: 60_000 };

export interface HealthVerdict {
  healthy: boolean;
  attempts: number;
  waitedMs: number;
  /** What the last attempt saw: "200", "503", "certificate not valid (CERT_HAS_EXPIRED)", … */
  last: string;
}

/**
 * Polls `url` until it answers 200 or the time is up, waiting with exponential backoff between attempts. Only a 200
 * counts: a redirect, a 401 (wrong basic auth) or a certificate the system does not trust keep it unhealthy.
 */
export async function checkHealth(
  url: string,
  probe: HealthProbe,
  clock: Clock,
  options: HealthCheckOptions = DEFAULT_HEALTH_CHECK,
  basicAuth?: { user: string; password: string },
): Promise<HealthVerdict> {
  const started = clock.now().getTime();
  let delay = options.firstDelayMs;
  let attempts = 0;
  for (;;) {
    attempts++;
    const result = await probe.get(url, basicAuth);
    const last = result.kind === "answered" ? String(result.status) : result.reason;
    const waitedMs = clock.now().getTime() - started;
    if (result.kind === "answered" && result.status === 200) return { healthy: true, attempts, waitedMs, last };
    if (waitedMs + delay > options.timeoutMs) return { healthy: false, attempts, waitedMs, last };
    await clock.sleep(delay);
    delay = Math.min(delay * 2, options.maxDelayMs);
  }
}

/** Error codes Node's TLS gives for a certificate it does not accept. */
const CERTIFICATE_CODES = /CERT|SELF_SIGNED|ALTNAME|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER/;

export interface HttpsProbeOptions {
  /**
   * Host → `address:port` to connect to instead of what DNS says, as curl's `--resolve` (RESTANT_HEALTH_RESOLVE): the
   * request still names the host and the certificate must still be valid for it. For checking a server before DNS
   * points at it, and for tests on loopback.
   */
  resolve?: Record<string, string>;
  /** Per attempt. Default: 10 s. */
  timeoutMs?: number;
  /** Certificate authorities trusted besides the system's (a test's own CA). */
  extraCa?: string[];
}

/**
 * The real probe: an HTTPS GET with the system's trust store (plus NODE_EXTRA_CA_CERTS, as Node reads it), so an
 * invalid, expired or wrong-name certificate fails the attempt; no redirect followed. Written on node:https rather than
 * fetch because fetch offers no way to connect to another address while checking the host's certificate (`resolve`).
 * The password travels only in the Authorization header.
 */
export function httpsHealthProbe(options: HttpsProbeOptions = {}): HealthProbe {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const ca = options.extraCa ? [...tls.rootCertificates, ...options.extraCa] : undefined;
  return {
    get: (url, basicAuth) =>
      new Promise((resolve) => {
        const target = new URL(url);
        if (target.protocol !== "https:") return resolve({ kind: "unreachable", reason: `${target.protocol} is not https:` });
        const override = options.resolve?.[target.hostname] ?? options.resolve?.["*"];
        const [address, port] = override ? splitAddress(override) : [target.hostname, Number(target.port || 443)];
        const headers: Record<string, string> = { host: target.host };
        if (basicAuth) headers.authorization = `Basic ${Buffer.from(`${basicAuth.user}:${basicAuth.password}`).toString("base64")}`;
        const request = https.request(
          { host: address, port, servername: target.hostname, path: `${target.pathname}${target.search}`, method: "GET", headers, timeout: timeoutMs, ...(ca ? { ca } : {}) },
          (response) => {
            response.resume();
            resolve({ kind: "answered", status: response.statusCode ?? 0 });
          },
        );
        request.on("timeout", () => request.destroy(Object.assign(new Error("timed out"), { code: "ETIMEDOUT" })));
        request.on("error", (error: Error & { code?: unknown }) => {
          const code = typeof error.code === "string" ? error.code : undefined;
          if (code && CERTIFICATE_CODES.test(code)) return resolve({ kind: "unreachable", reason: `certificate not valid (${code})` });
          resolve({ kind: "unreachable", reason: code ?? error.name });
        });
        request.end();
      }),
  };
}

/**
 * The probe every script uses: the system's trust (NODE_EXTRA_CA_CERTS adds to it, as Node does everywhere), and
 * RESTANT_HEALTH_RESOLVE (`host=address:port,…`, `*` for any host) when set.
 */
export function healthProbeFromEnv(env: NodeJS.ProcessEnv): HealthProbe {
  const resolve: Record<string, string> = {};
  for (const entry of (env.RESTANT_HEALTH_RESOLVE ?? "").split(",").map((e) => e.trim()).filter(Boolean)) {
    const [host, to] = entry.split("=", 2);
    if (!host || !to || !/^[^:]+:\d+$/.test(to)) throw new Error(`RESTANT_HEALTH_RESOLVE: "${entry}" must be host=address:port`);
    resolve[host] = to;
  }
  return httpsHealthProbe({ resolve });
}

function splitAddress(value: string): [string, number] {
  const at = value.lastIndexOf(":");
  return [value.slice(0, at), Number(value.slice(at + 1))];
}

/** The probe with no overrides. */
export const fetchHealthProbe: HealthProbe = httpsHealthProbe();
