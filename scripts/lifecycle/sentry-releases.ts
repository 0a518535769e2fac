/** Where releases are registered: Sentry's web API with an auth token allowed `project:releases`. */
export interface SentryTarget {
  /** Default: https://sentry.io. */
  baseUrl: string;
  org: string;
  project: string;
  token: string;
}

/**
 * The organization and project from `restant:sentry` (the same key the program makes client keys with), the token
 * from SENTRY_AUTH_TOKEN and the server from SENTRY_URL; undefined when either half is not configured.
 */
export function sentryTargetFrom(
  env: NodeJS.ProcessEnv,
  sentry: { organization: string; project: string } | undefined,
): SentryTarget | undefined {
  const token = env.SENTRY_AUTH_TOKEN;
  if (!token || !sentry) return undefined;
  return { baseUrl: (env.SENTRY_URL ?? "https://sentry.io").replace(/\/+$/, ""), org: sentry.organization, project: sentry.project, token };
}

export interface ReleaseDeploy {
  /** The commit deployed: the release version. */
  version: string;
  /** Sentry environment: the stack's slug. */
  environment: string;
  url?: string;
}

/** Registers a release and its deploy after a successful `up`, so errors in Sentry point at the commit. */
export class SentryReleases {
  constructor(
    private readonly target: SentryTarget,
    private readonly fetchImpl: typeof fetch = fetch,
  ) {}

  async register(deploy: ReleaseDeploy): Promise<void> {
    const org = encodeURIComponent(this.target.org);
    // 201 made, 208 already there (a redeploy of the same commit): both mean the release exists.
    await this.post(`/api/0/organizations/${org}/releases/`, { version: deploy.version, projects: [this.target.project] }, [200, 201, 208]);
    await this.post(
      `/api/0/organizations/${org}/releases/${encodeURIComponent(deploy.version)}/deploys/`,
      { environment: deploy.environment, ...(deploy.url ? { url: deploy.url } : {}) },
      [200, 201],
    );
  }

  private async post(path: string, body: unknown, accepted: number[]): Promise<void> {
    const response = await this.fetchImpl(`${this.target.baseUrl}${path}`, {
      method: "POST",
      headers: { authorization: `Bearer ${this.target.token}`, "content-type": "application/json" },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    });
    if (!accepted.includes(response.status)) {
      // The response body is Sentry's; it cannot hold our token, but keep the message short.
      const detail = (await response.text()).slice(0, 200);
      throw new Error(`Sentry ${path} answered ${response.status}: ${detail}`);
    }
  }
}
