import { AppOnServer, AppScale } from "./app-model";
import { managedKeysOf, OWNERSHIP_KEY, ownershipMarker } from "./ownership";
import { DokkuCommand } from "../client/ssh-options";

/** What the app should be: the parts of AppProps that live on the server. */
export interface DesiredApp {
  appName: string;
  domains: string[];
  config: Record<string, string>;
  scale: AppScale;
  /** Keys another resource sets: never unset here. */
  setElsewhere?: readonly string[];
}

/**
 * Dokku takes the whole command line as one environment variable (SSH_ORIGINAL_COMMAND), and Linux caps one at
 * 128 KiB: config:set lines are kept under this, several commands if they must.
 */
const MAX_CONFIG_LINE = 96 * 1024;

/**
 * The mutating commands that take the app from `current` to `desired`, in order, and nothing for what already
 * matches. Config values go base64 (`--encoded`). `restart: false` (create) never restarts and sets the config with
 * the ownership marker first, so a create cut short leaves an app that is visibly ours. Otherwise a scale change comes
 * first, and the app restarts at most once, on its last config command (after the scale change is recorded, so the
 * restart applies it too), and not at all when no config var changed; a scale change alone redeploys through `ps:scale`.
 */
export function planAppChanges(current: AppOnServer, desired: DesiredApp, options: PlanOptions): DokkuCommand[] {
  const app = desired.appName;
  const config = configCommands(current, desired, options.previouslyManaged ?? []);
  const domains = domainCommands(current, desired);
  const scaleArgs = [app, `web=${desired.scale.web}`, `worker=${desired.scale.worker}`];
  const scaleChanged = !sameScale(current.scale, desired.scale);
  const recordScale: DokkuCommand[] = scaleChanged ? [{ args: ["ps:scale", "--skip-deploy", ...scaleArgs] }] : [];

  if (!options.restart) return [...withRestartOn(config, -1), ...domains, ...recordScale];
  if (options.deployFollows) return [...recordScale, ...domains, ...withRestartOn(config, -1)];
  // A deployed app's scale goes first: Dokku refuses a process type its Procfile lacks before writing anything, so
  // such a refusal leaves the app exactly as it was.
  const restarter = lastIndexWhere(config, (command) => command.changesAppConfig);
  if (restarter >= 0) return [...recordScale, ...domains, ...withRestartOn(config, restarter)];
  return [...(scaleChanged ? [{ args: ["ps:scale", ...scaleArgs] }] : []), ...domains, ...withRestartOn(config, -1)];
}

/**
 * domains:set, or domains:clear for none. On an app whose vhosts are off (NO_VHOST=1) on a server with a global VHOST,
 * Dokku's domains_set turns them on by overwriting the list it just wrote with the default `<app>.<global vhost>`:
 * the first domains:set only turns vhosts on, the second sets the list.
 */
function domainCommands(current: AppOnServer, desired: DesiredApp): DokkuCommand[] {
  if (sameDomains(current.domains, desired.domains)) return [];
  if (desired.domains.length === 0) return [{ args: ["domains:clear", desired.appName] }];
  const set: DokkuCommand = { args: ["domains:set", desired.appName, ...desired.domains] };
  return current.config.NO_VHOST === "1" && current.globalVhosts === true ? [set, set] : [set];
}

export interface PlanOptions {
  /** false for create: nothing restarts (a deploy follows). */
  restart: boolean;
  /** Keys this resource set before (its last outputs), unset when no longer wanted even if the marker lost them. */
  previouslyManaged?: readonly string[];
  /**
   * A deploy follows this update and restarts the app (one of the keys that change only with a new commit changed):
   * nothing restarts here, so a new commit restarts the app once, not twice. Default false.
   */
  deployFollows?: boolean;
}

/** A config command, with whether it changes a var the app reads (the marker alone does not). */
type ConfigCommand = DokkuCommand & { changesAppConfig: boolean };

/** config:set for changed keys (and the marker when its key list changes), config:unset for keys no longer wanted. */
function configCommands(current: AppOnServer, desired: DesiredApp, previouslyManaged: readonly string[]): ConfigCommand[] {
  const app = desired.appName;
  const toSet = Object.keys(desired.config)
    .sort()
    .filter((key) => current.config[key] !== desired.config[key]);
  const managed = new Set([...(managedKeysOf(current.config) ?? []), ...previouslyManaged]);
  const elsewhere = desired.setElsewhere ?? [];
  const toUnset = [...managed]
    .filter((key) => !(key in desired.config) && key in current.config && key !== OWNERSHIP_KEY && !elsewhere.includes(key))
    .sort();
  const marker = ownershipMarker(Object.keys(desired.config));
  const commands: ConfigCommand[] = [];
  const markerChanged = current.config[OWNERSHIP_KEY] !== marker;
  if (toSet.length > 0 || markerChanged) {
    // The marker leads, so the first command of a create already makes the app recognisably ours.
    const pairs: Record<string, string> = markerChanged ? { [OWNERSHIP_KEY]: marker } : {};
    for (const key of toSet) pairs[key] = desired.config[key];
    commands.push(...configSetCommands(app, pairs, toSet.length > 0));
  }
  if (toUnset.length > 0) commands.push({ args: ["config:unset", app, ...toUnset], changesAppConfig: true });
  return commands;
}

/** Adds `--no-restart` to every command but the one at `restarter`. */
function withRestartOn(commands: ConfigCommand[], restarter: number): DokkuCommand[] {
  return commands.map(({ args: [subcommand, ...rest], redact }, index) => ({
    args: index === restarter ? [subcommand, ...rest] : [subcommand, "--no-restart", ...rest],
    ...(redact ? { redact } : {}),
  }));
}

function configSetCommands(app: string, pairs: Record<string, string>, changesAppConfig: boolean): ConfigCommand[] {
  const commands: ConfigCommand[] = [];
  let words: string[] = [];
  let redact: string[] = [];
  let length = 0;
  const flush = () => {
    if (words.length === 0) return;
    commands.push({ args: ["config:set", "--encoded", app, ...words], redact, changesAppConfig });
    words = [];
    redact = [];
    length = 0;
  };
  for (const [key, value] of Object.entries(pairs)) {
    const encoded = Buffer.from(value, "utf8").toString("base64");
    const word = `${key}=${encoded}`;
    if (word.length > MAX_CONFIG_LINE) throw new Error(`config var ${key} is too large to send to Dokku (${value.length} characters)`);
    if (length + word.length + 1 > MAX_CONFIG_LINE) flush();
    words.push(word);
    redact.push(value, encoded);
    length += word.length + 1;
  }
  flush();
  return commands;
}

function lastIndexWhere<T>(items: T[], predicate: (item: T) => boolean): number {
  for (let index = items.length - 1; index >= 0; index--) if (predicate(items[index])) return index;
  return -1;
}

/** Domains compare as sets: Dokku keeps them in the order given, which means nothing. */
export function sameDomains(a: readonly string[], b: readonly string[]): boolean {
  const left = [...new Set(a.map((domain) => domain.toLowerCase()))].sort();
  const right = [...new Set(b.map((domain) => domain.toLowerCase()))].sort();
  return left.length === right.length && left.every((domain, index) => domain === right[index]);
}

export function sameScale(current: Record<string, number>, desired: AppScale): boolean {
  return (current.web ?? 0) === desired.web && (current.worker ?? 0) === desired.worker;
}
