import type { IncomingMessage, ServerResponse } from "node:http";
import { LoopbackServer } from "../loopback-server";

export interface SentryRelease {
  version: string;
  projects: string[];
  deploys: Array<{ environment: string; url?: string }>;
}

/**
 * Sentry's release endpoints as the lifecycle uses them: create a release (201, or 208 when it exists), add a
 * deploy (201; 404 for an unknown release; 400 without an environment), Bearer tokens only.
 */
export class SentryDouble {
  readonly releases = new Map<string, SentryRelease>();
  private readonly http = new LoopbackServer("Sentry", (req, res) => this.serve(req, res));

  constructor(private readonly options: { token: string; org?: string }) {}

  get url(): string {
    return this.http.url;
  }

  async start(): Promise<this> {
    await this.http.start();
    return this;
  }

  async stop(): Promise<void> {
    await this.http.stop();
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    if (req.headers.authorization !== `Bearer ${this.options.token}`) return send(401, { detail: "Invalid token" });
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}") as Record<string, unknown>;
    } catch {
      return send(400, { detail: "Malformed request" });
    }
    const org = this.options.org ?? "restant";
    const path = new URL(req.url ?? "/", "http://sentry").pathname;
    if (req.method === "POST" && path === `/api/0/organizations/${org}/releases/`) {
      if (typeof body.version !== "string" || body.version === "") return send(400, { version: ["This field is required."] });
      if (!Array.isArray(body.projects) || body.projects.length === 0) return send(400, { projects: ["This field is required."] });
      const existing = this.releases.get(body.version);
      if (existing) return send(208, { version: existing.version });
      this.releases.set(body.version, { version: body.version, projects: body.projects.map(String), deploys: [] });
      return send(201, { version: body.version });
    }
    const deploy = new RegExp(`^/api/0/organizations/${org}/releases/([^/]+)/deploys/$`).exec(path);
    if (req.method === "POST" && deploy) {
      const release = this.releases.get(decodeURIComponent(deploy[1]!));
      if (!release) return send(404, { detail: "The requested resource does not exist" });
      if (typeof body.environment !== "string" || body.environment === "") return send(400, { environment: ["This field is required."] });
      release.deploys.push({ environment: body.environment, ...(typeof body.url === "string" ? { url: body.url } : {}) });
      return send(201, { environment: body.environment });
    }
    return send(404, { detail: "The requested resource does not exist" });
  }
}
