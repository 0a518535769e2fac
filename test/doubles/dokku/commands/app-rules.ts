import { Console } from "../cli/console";
import { DokkuFailure } from "../cli/failure";
import { faultsOf } from "../state/faults";
import { AppState, DokkuState } from "../state/types";

const APP_NAME = /^[a-z0-9][a-z0-9.-]*$/;
const OLD_APP_NAME = /^[a-z0-9][a-z0-9._-]*$/;
const CONFIG_KEY = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** common.IsValidAppName: the rule apps:create applies. */
export function assertValidAppName(app: string | undefined): string {
  if (!app) throw DokkuFailure.of("Please specify an app to run the command on");
  if (!APP_NAME.test(app)) {
    throw DokkuFailure.of(
      "App name must begin with lowercase alphanumeric character, and may only contain lowercase alphanumerics, dots, and hyphens",
    );
  }
  return app;
}

/** common.VerifyAppName as the Go subcommands call it: a malformed name fails 1, a missing app fails 20. */
export function existingApp(state: DokkuState, app: string | undefined): AppState {
  if (!app) throw DokkuFailure.of("Please specify an app to run the command on");
  if (!APP_NAME.test(app) && !OLD_APP_NAME.test(app)) assertValidAppName(app);
  const found = Object.prototype.hasOwnProperty.call(state.apps, app) ? state.apps[app] : undefined;
  if (!found) throw DokkuFailure.of(`App ${app} does not exist`, 20);
  return found;
}

/** verify_app_name as the bash plugins call it: anything that is not an existing app fails 20. */
export function existingAppFromShell(state: DokkuState, app: string | undefined): AppState {
  const found = app && Object.prototype.hasOwnProperty.call(state.apps, app) ? state.apps[app] : undefined;
  if (!found) throw DokkuFailure.of(`App ${app ?? ""} does not exist`, 20);
  return found;
}

export function assertValidConfigKey(key: string): void {
  if (!CONFIG_KEY.test(key)) throw DokkuFailure.of(`Invalid key name: '${key}'`);
}

/**
 * triggerRestart (config plugin) and ps:restart: only a deployed app restarts, and only when its `restore` property
 * is not false. Every restart is counted per app so tests can prove a no-op `up` restarts nothing.
 */
export function restartApp(state: DokkuState, app: string, console: Console): void {
  if (!state.apps[app]?.deployed) return;
  console.info1(`Restarting app ${app}`);
  state.restarts[app] = (state.restarts[app] ?? 0) + 1;
  // triggerRestart only warns when release-and-deploy fails: config:set still exits 0.
  if (faultsOf(state.faults, "restart-fails").some((fault) => fault.app === app)) {
    console.warn(`Failure while restarting app: exit status 1`);
  }
}

/** config.SetMany: writes the keys (changed or not) and restarts unless told not to. */
export function setConfig(
  state: DokkuState,
  app: string,
  entries: Record<string, string>,
  restart: boolean,
  console: Console,
): void {
  const target = state.apps[app];
  for (const key of Object.keys(entries)) assertValidConfigKey(key);
  Object.assign(target.config, entries);
  if (restart) restartApp(state, app, console);
}

/** config.UnsetMany: removes the keys that are set; restarts (unless told not to) even when none was. */
export function unsetConfig(state: DokkuState, app: string, keys: string[], restart: boolean, console: Console): void {
  const target = state.apps[app];
  for (const key of keys) assertValidConfigKey(key);
  for (const key of keys) delete target.config[key];
  if (restart) restartApp(state, app, console);
}
