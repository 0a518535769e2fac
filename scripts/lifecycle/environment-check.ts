import { DEFAULT_HEALTH_CHECK, checkHealth, type HealthVerdict } from "./health-check";
import type { LifecycleDeps } from "./lifecycle-deps";
import type { StackOutputs } from "./stack-engine";

export interface EnvironmentCheck {
  /** `https://<host><health path>`: the stack's `healthUrl` output. */
  healthUrl: string | undefined;
  verdict: HealthVerdict;
}

/**
 * The check after `up`: the stack's `healthUrl` answers 200 through a trusted certificate within the configured limit,
 * with the preview's basic auth (user and password from the stack's outputs) where it has one.
 */
export async function checkEnvironment(deps: LifecycleDeps, outputs: StackOutputs): Promise<EnvironmentCheck> {
  const healthUrl = plain(outputs, "healthUrl");
  if (!healthUrl) return { healthUrl, verdict: { healthy: false, attempts: 0, waitedMs: 0, last: "the stack has no healthUrl output" } };
  const password = outputs.basicAuthPassword?.value;
  const user = plain(outputs, "basicAuthUser");
  const basicAuth = typeof password === "string" && user ? { user, password } : undefined;
  const verdict = await checkHealth(healthUrl, deps.probe, deps.clock, { ...DEFAULT_HEALTH_CHECK, timeoutMs: deps.settings.healthTimeoutMs }, basicAuth);
  deps.log(`health check of ${healthUrl}: ${verdict.healthy ? "healthy" : "unhealthy"} after ${verdict.attempts} attempt(s), last ${verdict.last}\n`);
  return { healthUrl, verdict };
}

/** "answered 503 for 10 min" — a status description short enough for GitHub's 140 characters. */
export function describeVerdict(check: EnvironmentCheck): string {
  const minutes = Math.round(check.verdict.waitedMs / 6_000) / 10;
  return check.verdict.healthy ? `${check.healthUrl} answered 200` : `health check failed: ${check.verdict.last} after ${minutes} min`;
}

export function plain(outputs: StackOutputs, name: string): string | undefined {
  const output = outputs[name];
  return output && !output.secret && typeof output.value === "string" ? output.value : undefined;
}
