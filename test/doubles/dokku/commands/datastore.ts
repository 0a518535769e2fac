import { DokkuFailure } from "../cli/failure";
import { printShellReport } from "../cli/shell-report";
import { DokkuState } from "../state/types";
import { existingAppFromShell, setConfig, unsetConfig } from "./app-rules";
import { CommandContext, CommandHandler } from "./context";

/** What a dokku datastore plugin (dokku-mysql, dokku-redis) shares: names, links and the LINKS file. */
export interface LinkedService {
  createdAt: number;
  links: string[];
}

/** The plugin's variables (its `config` file) and how the double backs its services. */
export interface DatastorePlugin<S extends LinkedService> {
  prefix: "mysql" | "redis";
  /** PLUGIN_SERVICE, as in "MySQL service x does not exist". */
  label: string;
  defaultAlias: string;
  altAlias: string;
  services(state: DokkuState): Record<string, S>;
  /** Reserves the service's record (under the state lock); `provision` then creates it on the real server. */
  reserve(state: DokkuState, name: string, env: NodeJS.ProcessEnv): S;
  provision(service: S, env: NodeJS.ProcessEnv): Promise<void>;
  remove(service: S, env: NodeJS.ProcessEnv): Promise<void>;
  url(service: S, env: NodeJS.ProcessEnv): string;
  /** The service's id (container id for the real plugin) and the image:version it reports. */
  id(service: S, name: string): string;
  version: string;
}

const SERVICE_NAME = /^[A-Za-z0-9_-]+$/;

/** The test server behind a datastore plugin, or the plain refusal to run without test/services/start.sh. */
export function needTestServer<T>(found: T | undefined, prefix: string, server: string): T {
  if (found === undefined) {
    throw DokkuFailure.of(`The Dokku double's ${prefix} services need the test ${server}: run through test/services/start.sh`);
  }
  return found;
}
const COLORS = ["AQUA", "BLACK", "BLUE", "FUCHSIA", "GRAY", "GREEN", "LIME", "MAROON", "NAVY", "OLIVE", "PURPLE", "RED", "SILVER", "TEAL", "WHITE", "YELLOW"];

function has<T>(record: Record<string, T>, key: string | undefined): key is string {
  return key !== undefined && Object.prototype.hasOwnProperty.call(record, key);
}

/** verify_service_name */
export function existingService<S extends LinkedService>(plugin: DatastorePlugin<S>, state: DokkuState, name: string | undefined): S {
  if (!name) throw DokkuFailure.of("Please specify a valid name for the service");
  const services = plugin.services(state);
  if (!has(services, name)) throw DokkuFailure.of(`${plugin.label} service ${name} does not exist`);
  return services[name];
}

/** `--no-restart` anywhere on the line lands in DOKKU_GLOBAL_FLAGS (the `dokku` script's parse_args). */
function globalNoRestart(env: NodeJS.ProcessEnv): boolean {
  return (env.DOKKU_GLOBAL_FLAGS ?? "").includes("--no-restart");
}

/**
 * service_parse_args for link: `-n|--no-restart`, `-R|--restart-apps false`, `-a|--alias X` (upper-cased, `_URL`
 * dropped), `-q|--querystring X` (leading `?` dropped). Like getopts, it stops at the first non-option.
 */
function linkOptions(args: string[], env: NodeJS.ProcessEnv): { alias?: string; querystring?: string; restart: boolean } {
  let alias: string | undefined;
  let querystring: string | undefined;
  let restart = !globalNoRestart(env);
  for (let i = 0; i < args.length && args[i].startsWith("-"); i++) {
    if (args[i] === "-a" || args[i] === "--alias") alias = (args[++i] ?? "").toUpperCase().replace(/_URL$/, "");
    else if (args[i] === "-q" || args[i] === "--querystring") querystring = (args[++i] ?? "").replace(/^\?/, "");
    else if (args[i] === "-n" || args[i] === "--no-restart") restart = false;
    else if (args[i] === "-R" || args[i] === "--restart-apps") restart = args[++i] !== "false";
    else i++;
  }
  return { alias, querystring, restart };
}

/** `<prefix>:create|link|unlink|destroy|exists|info|list|links` for one datastore plugin. */
export function datastoreCommands<S extends LinkedService>(plugin: DatastorePlugin<S>): Record<string, CommandHandler> {
  const p = plugin.prefix;

  const create: CommandHandler = async ({ args, store, console, env }) => {
    const name = args[0];
    if (!name || !SERVICE_NAME.test(name)) {
      throw DokkuFailure.of("Please specify a valid name for the service. Valid characters are: [A-Za-z0-9_]+");
    }
    const service = await store.update((state) => {
      if (has(plugin.services(state), name)) throw DokkuFailure.of(`${plugin.label} service ${name} already exists`);
      return (plugin.services(state)[name] = plugin.reserve(state, name, env));
    });
    try {
      await plugin.provision(service, env);
    } catch (error) {
      await store.update((state) => delete plugin.services(state)[name]);
      throw DokkuFailure.of(`${plugin.label} service creation failed: ${(error as Error).message}`);
    }
    console.info2(`${plugin.label} container created: ${name}`);
  };

  const link: CommandHandler = async ({ args, store, console, env }) => {
    const [name, app, ...rest] = args;
    if (!name) throw DokkuFailure.of("Please specify a valid name for the service");
    if (!app) throw DokkuFailure.of("Please specify an app to run the command on");
    const options = linkOptions(rest, env);
    await store.update((state) => {
      const target = existingAppFromShell(state, app);
      const service = existingService(plugin, state, name);
      const url = plugin.url(service, env);
      const keys = Object.keys(target.config);
      let alias = options.alias;
      if (alias) {
        if (keys.some((key) => key.includes(`${alias}_URL`))) throw DokkuFailure.of(`Specified alias ${alias} already in use`);
      } else {
        alias = plugin.defaultAlias;
        if (keys.some((key) => key.includes(`${plugin.defaultAlias}_URL`))) {
          alias = COLORS.map((color) => `${plugin.altAlias}_${color}`).find((candidate) => !keys.some((key) => key.includes(`${candidate}_URL`)));
        }
        if (!alias) throw DokkuFailure.of("Unable to use default or generated URL alias");
      }
      const existing = keys.find((key) => target.config[key].includes(url));
      if (existing) throw DokkuFailure.of(`Already linked as ${existing}`);
      if (!service.links.includes(app)) service.links = [...service.links, app].sort();
      setConfig(state, app, { [`${alias}_URL`]: options.querystring ? `${url}?${options.querystring}` : url }, options.restart, console);
      if (!options.restart) console.verbose("Skipping restart of linked app");
    });
  };

  const unlink: CommandHandler = async ({ args, store, console, env }) => {
    // The real unlink parses no flags of its own (no `-n`): only `--no-restart`, through DOKKU_GLOBAL_FLAGS.
    const [name, app] = args;
    if (!name) throw DokkuFailure.of("Please specify a valid name for the service");
    if (!app) throw DokkuFailure.of("Please specify an app to run the command on");
    const restart = !globalNoRestart(env);
    const result = await store.update((state) => {
      const service = existingService(plugin, state, name);
      const target = existingAppFromShell(state, app);
      const url = plugin.url(service, env);
      service.links = service.links.filter((linked) => linked !== app);
      const linkedKeys = Object.keys(target.config).filter((key) => target.config[key].includes(url));
      if (linkedKeys.length === 0) return DokkuFailure.of(`Not linked to app ${app}`);
      unsetConfig(state, app, linkedKeys, restart, console);
      if (!restart) console.verbose("Skipping restart of linked app");
      return undefined;
    });
    // The LINKS file is already rewritten when the plugin finds no link: the failure comes after the change is saved.
    if (result) throw result;
  };

  const destroy: CommandHandler = async (context: CommandContext) => {
    const { args, store, console, env } = context;
    const [name, forceFlag] = args;
    if (!name) throw DokkuFailure.of("Please specify a valid name for the service");
    const service = existingService(plugin, store.read(), name);
    if (service.links.length > 0) throw DokkuFailure.of("Cannot delete linked service");
    const force = ["force", "-f", "--force"].includes(forceFlag ?? "") || env.DOKKU_APPS_FORCE_DELETE === "1";
    if (!force) {
      console.warn("WARNING: Potentially Destructive Action");
      console.warn(`This command will destroy ${name} ${plugin.label} service.`);
      console.warn(`To proceed, type "${name}"`);
      console.log("");
      context.console.write("> ");
      const answer = (await context.stdin.text()).split("\n")[0];
      if (answer !== name) throw DokkuFailure.of(`Confirmation did not match ${name}. Aborted.`);
    }
    const removed = await store.update((state) => {
      const current = existingService(plugin, state, name);
      if (current.links.length > 0) throw DokkuFailure.of("Cannot delete linked service");
      delete plugin.services(state)[name];
      return current;
    });
    await plugin.remove(removed, env);
    console.info2(`${plugin.label} container deleted: ${name}`);
  };

  const exists: CommandHandler = ({ args, store, console }) => {
    existingService(plugin, store.read(), args[0]);
    console.info1(`Service ${args[0]} exists`);
  };

  const info: CommandHandler = ({ args, store, console, env }) => {
    const [name, infoFlag] = args;
    const service = existingService(plugin, store.read(), name);
    const match = printShellReport(console, serviceInfo(plugin, service, name, env), infoFlag, 20);
    if (match) console.log(match[1]);
  };

  const list: CommandHandler = ({ store, console }) => {
    const names = Object.keys(plugin.services(store.read())).sort();
    if (names.length === 0) return console.warn(`There are no ${plugin.label} services`);
    for (const name of names) console.log(name);
  };

  const links: CommandHandler = ({ args, store, console }) => {
    for (const app of existingService(plugin, store.read(), args[0]).links) console.log(app);
  };

  return {
    [`${p}:create`]: create,
    [`${p}:link`]: link,
    [`${p}:unlink`]: unlink,
    [`${p}:destroy`]: destroy,
    [`${p}:exists`]: exists,
    [`${p}:info`]: info,
    [`${p}:list`]: list,
    [`${p}:links`]: links,
  };
}

/** service_info's flag_map; the paths are the real plugin's, the DSN and address the test server's. */
function serviceInfo<S extends LinkedService>(plugin: DatastorePlugin<S>, service: S, name: string, env: NodeJS.ProcessEnv): [string, string][] {
  const root = `/var/lib/dokku/services/${plugin.prefix}/${name}`;
  return [
    ["--config-dir", `${root}/config`],
    ["--config-options", ""],
    ["--data-dir", `${root}/data`],
    ["--dsn", plugin.url(service, env)],
    ["--exposed-ports", "-"],
    ["--id", plugin.id(service, name)],
    ["--internal-ip", new URL(plugin.url(service, env)).hostname],
    ["--initial-network", ""],
    // "-" when none, else the apps each followed by a space (tr '\n' ' ' of the LINKS file).
    ["--links", service.links.length === 0 ? "-" : service.links.map((app) => `${app} `).join("")],
    ["--post-create-network", ""],
    ["--post-start-network", ""],
    ["--service-root", root],
    ["--status", "running"],
    ["--version", plugin.version],
  ];
}
