import type { LifecycleDeps } from "./lifecycle-deps";

/**
 * The Sentry release and deploy after a successful `up`. A Sentry outage must not undo a good deploy, so a failure
 * is logged and reported back, never thrown. Returns false when nothing was registered.
 */
export async function registerRelease(deps: LifecycleDeps, sha: string, environment: string, url: string | undefined): Promise<boolean> {
  if (!deps.sentry) {
    deps.log("Sentry is not configured (the SENTRY_AUTH_TOKEN secret and restant:sentry): no release registered\n");
    return false;
  }
  try {
    await deps.sentry.register({ version: sha, environment, ...(url ? { url } : {}) });
    return true;
  } catch (error) {
    deps.log(`Sentry release for ${sha} not registered: ${error instanceof Error ? error.message : String(error)}\n`);
    return false;
  }
}
