import { AppProps, withKeptValues } from "./app-model";
import { sameDomains } from "./app-plan";

/** The parts of a dynamic provider's DiffResult the engine's dynamic host reads. */
export interface AppDiff {
  changes: boolean;
  replaces: string[];
  deleteBeforeReplace: boolean;
}

/**
 * Per field. Another app name or another server is another app: replaced, the old one deleted first (Dokku app
 * names are unique per server). Domains compare as sets; `adopt` only matters to create and changes nothing; a
 * keepOnServer key compares with the value the app already holds.
 */
export function diffApp(olds: Partial<AppProps>, news: Partial<AppProps>): AppDiff {
  const replaces: string[] = [];
  if (olds.appName !== news.appName) replaces.push("appName");
  if (olds.target?.host !== news.target?.host || olds.target?.port !== news.target?.port) {
    replaces.push("target");
  }
  const changed =
    replaces.length > 0 ||
    olds.target?.user !== news.target?.user ||
    olds.target?.hostKey !== news.target?.hostKey ||
    !sameList(olds.domains, news.domains) ||
    !sameConfig(olds.config, keptConfig(olds, news)) ||
    olds.scale?.web !== news.scale?.web ||
    olds.scale?.worker !== news.scale?.worker ||
    olds.version !== news.version;
  return { changes: changed, replaces, deleteBeforeReplace: replaces.length > 0 };
}

function sameList(a: string[] | undefined, b: string[] | undefined): boolean {
  if (!Array.isArray(a) || !Array.isArray(b)) return a === b;
  return sameDomains(a, b);
}

function sameConfig(a: Record<string, string> | undefined, b: Record<string, string> | undefined): boolean {
  if (a === undefined || b === undefined || typeof a !== "object" || typeof b !== "object") return a === b;
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => Object.prototype.hasOwnProperty.call(b, key) && a[key] === b[key]);
}

function keptConfig(olds: Partial<AppProps>, news: Partial<AppProps>): Record<string, string> | undefined {
  if (news.config === undefined || typeof news.config !== "object" || olds.config === undefined || typeof olds.config !== "object") return news.config;
  return withKeptValues(news.config, olds.config, news.keepOnServer);
}
