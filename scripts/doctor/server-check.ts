import type { DokkuRunner } from "../../components/dokku/client";

/** The oldest Dokku this project is built and tested against (design.md: 0.38; `plugin:list --format json`, app.json health checks). */
export const MINIMUM_DOKKU = "0.38.0";

/** Plugins the program's commands need, by the name `plugin:list` shows, and where to install each from. */
export const REQUIRED_PLUGINS: readonly { name: string; source: string; why: string }[] = [
  { name: "mysql", source: "https://github.com/dokku/dokku-mysql.git", why: "each environment's database (mysql:create, clone, link)" },
  { name: "redis", source: "https://github.com/dokku/dokku-redis.git", why: "the Redis services and slots (redis:create, link, connect)" },
  { name: "letsencrypt", source: "https://github.com/dokku/dokku-letsencrypt.git", why: "TLS certificates (letsencrypt:enable)" },
  { name: "http-auth", source: "https://github.com/dokku/dokku-http-auth.git", why: "basic auth in front of previews" },
];

/** One finding: what was checked, what the server has, and (when wrong) how to fix it. */
export interface Finding {
  check: string;
  ok: boolean;
  found: string;
  fix?: string;
}

interface PluginInfo {
  name: string;
  version: string;
  enabled: boolean;
}

/** What the server must have for this program, read over the Dokku session (the `dokku` user's forced command). */
export async function checkServer(dokku: DokkuRunner, letsEncryptEmail: string | undefined): Promise<Finding[]> {
  const findings: Finding[] = [];
  const version = /(\d+\.\d+\.\d+)/.exec((await dokku.run(["version"])).stdout)?.[1];
  findings.push({
    check: "Dokku version",
    ok: version !== undefined && compareVersions(version, MINIMUM_DOKKU) >= 0,
    found: version ?? "unknown",
    fix: `upgrade Dokku to ${MINIMUM_DOKKU} or later (https://dokku.com/docs/getting-started/upgrading/)`,
  });
  const plugins = JSON.parse((await dokku.run(["plugin:list", "--format", "json"])).stdout) as PluginInfo[];
  for (const required of REQUIRED_PLUGINS) {
    const plugin = plugins.find((p) => p.name === required.name);
    findings.push({
      check: `plugin ${required.name}`,
      ok: plugin !== undefined && plugin.enabled,
      found: plugin === undefined ? "missing" : `${plugin.version}${plugin.enabled ? "" : " (disabled)"}`,
      fix: plugin === undefined
        ? `as root on the server: dokku plugin:install ${required.source} ${required.name} (${required.why})`
        : `as root on the server: dokku plugin:enable ${required.name}`,
    });
  }
  findings.push({
    check: "Let's Encrypt e-mail",
    ok: letsEncryptEmail !== undefined,
    found: letsEncryptEmail ?? "not set",
    fix: "set restant:tls.email in Pulumi.yaml's config (Let's Encrypt registers the account with it)",
  });
  return findings;
}

/** Numeric comparison of dotted versions ("0.38.27" > "0.9.1"). */
export function compareVersions(a: string, b: string): number {
  const [x, y] = [a.split(".").map(Number), b.split(".").map(Number)];
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d !== 0) return Math.sign(d);
  }
  return 0;
}

/** The report a person reads: one line per finding, the fix under each failing one. */
export function renderFindings(host: string, findings: readonly Finding[]): string {
  const lines = [`doctor: ${host}`];
  for (const f of findings) {
    lines.push(`  ${f.ok ? "ok     " : "MISSING"}  ${f.check}: ${f.found}`);
    if (!f.ok && f.fix) lines.push(`           fix: ${f.fix}`);
  }
  return lines.join("\n");
}
