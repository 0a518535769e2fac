import { AppOnServer } from "./app-model";
import { DokkuSession } from "../client/dokku-session";
import { isAppMissing } from "../client/errors/command-errors";

/**
 * The app's real state from Dokku's JSON reports, all asked at once on parallel channels: one round trip. Resolves
 * undefined when the app does not exist (exit 20).
 */
export async function readAppOnServer(session: DokkuSession, app: string): Promise<AppOnServer | undefined> {
  try {
    const [, config, domains, ps, scale] = await session.runAll([
      { args: ["apps:exists", app] },
      { args: ["config:export", "--format", "json", app] },
      { args: ["domains:report", app, "--format", "json"] },
      { args: ["ps:report", app, "--format", "json"] },
      { args: ["ps:scale", app, "--format", "json"] },
    ]);
    return {
      config: parseConfigExport(config.stdout),
      domains: parseDomainsReport(domains.stdout),
      globalVhosts: parseGlobalVhostsEnabled(domains.stdout),
      deployed: parsePsReport(ps.stdout).deployed === "true",
      scale: parseScale(scale.stdout),
    };
  } catch (error) {
    if (isAppMissing(error)) return undefined;
    throw error;
  }
}

/** `config:export --format json`: {"KEY":"value"}. */
export function parseConfigExport(stdout: string): Record<string, string> {
  const parsed = parseJson(stdout, "config:export");
  if (!isRecord(parsed) || Object.values(parsed).some((value) => typeof value !== "string")) {
    throw new Error("dokku config:export --format json did not print an object of strings");
  }
  return parsed as Record<string, string>;
}

/** `domains:report --format json`: the app's vhosts, space-separated, under "app-vhosts" ("domains-app-vhosts" before the prefix was trimmed). */
export function parseDomainsReport(stdout: string): string[] {
  const report = parseJson(stdout, "domains:report");
  if (!isRecord(report)) throw new Error("dokku domains:report --format json did not print an object");
  const vhosts = report["app-vhosts"] ?? report["domains-app-vhosts"];
  if (typeof vhosts !== "string") throw new Error("dokku domains:report --format json has no app-vhosts");
  return vhosts.split(/\s+/).filter((domain) => domain !== "");
}

/** `domains:report --format json`'s "global-enabled": whether the server has a global VHOST. */
export function parseGlobalVhostsEnabled(stdout: string): boolean {
  const report = parseJson(stdout, "domains:report");
  return isRecord(report) && (report["global-enabled"] ?? report["domains-global-enabled"]) === "true";
}

export function parsePsReport(stdout: string): Record<string, unknown> {
  const report = parseJson(stdout, "ps:report");
  if (!isRecord(report)) throw new Error("dokku ps:report --format json did not print an object");
  return report;
}

/** `ps:scale app --format json`: [{"process_type":"web","quantity":1}…]. */
export function parseScale(stdout: string): Record<string, number> {
  const formation = parseJson(stdout, "ps:scale");
  if (formation === null) return {};
  if (!Array.isArray(formation)) throw new Error("dokku ps:scale --format json did not print a list");
  const scale: Record<string, number> = {};
  for (const entry of formation) {
    if (!isRecord(entry) || typeof entry.process_type !== "string" || typeof entry.quantity !== "number") {
      throw new Error("dokku ps:scale --format json printed an entry without process_type and quantity");
    }
    scale[entry.process_type] = entry.quantity;
  }
  return scale;
}

function parseJson(stdout: string, subcommand: string): unknown {
  try {
    return JSON.parse(stdout);
  } catch {
    // The output may be config values: never quote it.
    throw new Error(`dokku ${subcommand} --format json printed something that is not JSON`);
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
