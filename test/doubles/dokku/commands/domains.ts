import { DokkuFailure } from "../cli/failure";
import { appsToReport, parseReportArgs, printReport } from "../cli/report";
import { AppState, DokkuState } from "../state/types";
import { existingApp, existingAppFromShell } from "./app-rules";
import { CommandContext, CommandHandler } from "./context";

const HOSTNAME = /^[a-z0-9.*-]*[a-z0-9*-]$/;

/** is_valid_hostname of the domains plugin ("_" is nginx's default-vhost sentinel). */
function assertValidDomains(domains: string[]): void {
  for (const domain of domains) {
    const lower = domain.toLowerCase();
    if (lower !== "_" && !HOSTNAME.test(lower)) throw DokkuFailure.of(`${domain} is invalid. exiting...`);
  }
}

/** domains:set|add|remove app domain… — the bash subcommands check the domain before the app. */
function domainsCommand(change: (target: AppState, domains: string[], context: CommandContext, app: string, state: DokkuState) => void): CommandHandler {
  return async (context) => {
    const [app, ...domains] = context.args;
    if (!domains[0]) {
      throw DokkuFailure.of(`Please specify a domain name. Usage: dokku ${app ?? ""} ${domains[0] ?? ""} <domain> [<domain> ...]`);
    }
    await context.store.update((state) => {
      const target = existingAppFromShell(state, app);
      change(target, domains, context, app, state);
    });
  };
}

/**
 * get_default_vhosts: `<app>.<global vhost>` for each global vhost that is not an IP address (the app's own name when
 * it has a dot); none without a global VHOST.
 */
export function defaultVhosts(state: DokkuState, app: string): string[] {
  return state.globalDomains
    .filter((vhost) => vhost !== "_" && !/^[0-9.]+$/.test(vhost) && !vhost.includes(":"))
    .map((vhost) => (app.includes(".") ? app : `${app}.${vhost}`));
}

/**
 * domains_enable --no-restart, as domains_set and domains_add call it on an app whose vhosts are off (NO_VHOST=1):
 * with a global VHOST it overwrites the app's VHOST file with the default vhosts, so the domains just set are lost
 * (plugins/domains/functions); then NO_VHOST=0.
 */
function enableVhosts(state: DokkuState, target: AppState, app: string): void {
  if (target.config.NO_VHOST !== "1") return;
  const defaults = defaultVhosts(state, app);
  if (defaults.length > 0) target.domains = defaults;
  target.config.NO_VHOST = "0";
}

const set = domainsCommand((target, domains, { console }, app, state) => {
  assertValidDomains(domains);
  target.domains = domains.join(" ").split(" ").filter((domain) => domain !== "");
  console.info1(`Set ${domains.join(" ")} for ${app}`);
  enableVhosts(state, target, app);
});

const add = domainsCommand((target, domains, { console }, app, state) => {
  assertValidDomains(domains);
  for (const domain of domains) {
    if (target.domains.includes(domain)) console.info1(`Skipping: ${domain} already added to ${app}`);
    else {
      target.domains.push(domain);
      console.info1(`Added ${domain} to ${app}`);
    }
  }
  enableVhosts(state, target, app);
});

const remove = domainsCommand((target, domains, { console }, app) => {
  for (const domain of domains) {
    target.domains = target.domains.filter((existing) => existing !== domain);
    console.info1(`Removed ${domain} from ${app}`);
  }
});

const clear: CommandHandler = async ({ args, store, console }) => {
  await store.update((state) => {
    const target = existingAppFromShell(state, args[0]);
    target.domains = [];
    console.info1(`Cleared domains in ${args[0]}`);
  });
};

const setGlobal: CommandHandler = async ({ args, store, console }) => {
  if (!args[0]) throw DokkuFailure.of("Please specify a global domain name");
  assertValidDomains(args);
  await store.update((state) => {
    state.globalDomains = [...args];
    console.info1(`Set ${args.join(" ")}`);
  });
};

/** domains:clear-global — empties the global VHOST file. */
const clearGlobal: CommandHandler = async ({ store, console }) => {
  console.info1("Clearing global domains");
  await store.update((state) => {
    state.globalDomains = [];
  });
};

function reportFlags(state: DokkuState, app: string): Record<string, string> {
  const target = existingApp(state, app);
  const globalEnabled = state.globalDomains.some((domain) => domain === "_" || HOSTNAME.test(domain.toLowerCase()));
  return {
    "--domains-app-enabled": target.config.NO_VHOST === "1" ? "false" : "true",
    "--domains-app-vhosts": target.domains.join(" "),
    "--domains-global-enabled": String(globalEnabled),
    "--domains-global-vhosts": globalEnabled ? state.globalDomains.join(" ") : "",
  };
}

/** domains:report [app] [--format json] [--domains-app-vhosts…] */
const report: CommandHandler = ({ args, store, console }) => {
  const { app, format, infoFlag } = parseReportArgs(args);
  const state = store.read();
  const shape = { reportType: "domains", trimPrefix: true, emitLegacyPrefix: false };
  for (const name of appsToReport(state.apps, app, console)) printReport(console, shape, reportFlags(state, name), format, infoFlag);
};

export const domainsCommands: Record<string, CommandHandler> = {
  "domains:set": set,
  "domains:add": add,
  "domains:remove": remove,
  "domains:clear": clear,
  "domains:set-global": setGlobal,
  "domains:clear-global": clearGlobal,
  "domains:report": report,
};
