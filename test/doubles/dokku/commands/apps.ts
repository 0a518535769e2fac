import { DokkuFailure } from "../cli/failure";
import { parseFlags } from "../cli/flags";
import { goJson } from "../cli/go-json";
import { dokkuRoot, removeAppFiles } from "../state/tls-files";
import { DokkuState } from "../state/types";
import { assertValidAppName, existingApp } from "./app-rules";
import { CommandHandler } from "./context";
import { confirmDestruction } from "./confirm";
import { defaultVhosts } from "./domains";

/** apps:create — the ps plugin gives it web=1; with no global VHOST the domains plugin sets NO_VHOST=1. */
const create: CommandHandler = async ({ name, args, store }) => {
  const { positional } = parseFlags(name, args, {});
  const app = assertValidAppName(positional[0]);
  await store.update((state) => {
    if (Object.prototype.hasOwnProperty.call(state.apps, app)) throw DokkuFailure.of("Name is already taken");
    const defaultDomains = defaultVhosts(state, app);
    state.apps[app] = {
      createdAt: Math.floor(Date.now() / 1000),
      config: defaultDomains.length > 0 ? {} : { NO_VHOST: "1" },
      domains: defaultDomains,
      scale: { web: 1 },
      deployed: false,
      letsencrypt: { properties: {} },
      httpAuth: { enabled: false, users: {}, allowedIps: [] },
    };
  });
};

const exists: CommandHandler = ({ name, args, store }) => {
  const { positional } = parseFlags(name, args, {});
  existingApp(store.read(), positional[0]);
};

const list: CommandHandler = ({ name, args, store, console }) => {
  const { strings } = parseFlags(name, args, { strings: { format: "stdout" } });
  const apps = Object.keys(store.read().apps).sort();
  if (strings.get("format") === "json") return console.log(goJson(apps));
  if (apps.length === 0) return console.warn("You haven't deployed any applications yet");
  for (const app of apps) console.log(app);
};

/** apps:destroy — asks for the app's name on stdin unless --force; unlinks it from every service (pre-delete). */
const destroy: CommandHandler = async (context) => {
  const { positional, booleans } = parseFlags(context.name, context.args, { booleans: ["force"] });
  const app = positional[0];
  existingApp(context.store.read(), app);
  const forced = booleans.has("force") || context.env.DOKKU_APPS_FORCE_DELETE === "1";
  if (!forced) await confirmDestruction(context, app, "app");
  await context.store.update((state) => {
    existingApp(state, app);
    context.console.info1(`Destroying ${app} (including all add-ons)`);
    removeApp(state, app);
  });
  removeAppFiles(dokkuRoot(context.env, context.store), app);
};

export function removeApp(state: DokkuState, app: string): void {
  delete state.apps[app];
  for (const service of [...Object.values(state.mysql), ...Object.values(state.redis)]) {
    service.links = service.links.filter((linked) => linked !== app);
  }
}

export const appsCommands: Record<string, CommandHandler> = {
  "apps:create": create,
  "apps:exists": exists,
  "apps:list": list,
  "apps:destroy": destroy,
};
