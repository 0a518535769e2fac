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

/**
 * The real probe: Node's fetch with the system's trust store (an invalid, expired or wrong-name certificate fails the
 * request), no redirects followed, 10 s per attempt. The password travels only in the Authorization header.
 */
export const fetchHealthProbe: HealthProbe = {
  async get(url, basicAuth) {
    const headers: Record<string, string> = {};
    if (basicAuth) headers.authorization = `Basic ${Buffer.from(`${basicAuth.user}:${basicAuth.password}`).toString("base64")}`;
    try {
      const response = await fetch(url, { headers, redirect: "manual", signal: AbortSignal.timeout(10_000) });
      await response.body?.cancel();
      return { kind: "answered", status: response.status };
    } catch (error) {
      const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause;
      const code = typeof cause?.code === "string" ? cause.code : undefined;
      if (code && CERTIFICATE_CODES.test(code)) return { kind: "unreachable", reason: `certificate not valid (${code})` };
      return { kind: "unreachable", reason: code ?? (error instanceof Error ? error.name : "request failed") };
    }
  },
};
