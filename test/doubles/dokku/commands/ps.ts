import { DokkuFailure } from "../cli/failure";
import { parseFlags } from "../cli/flags";
import { goJson } from "../cli/go-json";
import { appsToReport, parseReportArgs, printReport } from "../cli/report";
import { AppState } from "../state/types";
import { existingApp, restartApp } from "./app-rules";
import { CommandHandler } from "./context";

/** ps:scale app — the formation; ps:scale app web=N worker=M — sets it and redeploys the changed process types. */
const scale: CommandHandler = async ({ name, args, store, console }) => {
  const { positional, booleans, strings } = parseFlags(name, args, {
    booleans: ["skip-deploy"],
    strings: { format: "stdout" },
  });
  const [app, ...tuples] = positional;
  const target = existingApp(store.read(), app);
  if (tuples.length === 0) return printFormation(target, strings.get("format") ?? "stdout", console.log);

  const updates = parseProcessTuples(tuples);
  await store.update((state) => {
    const current = existingApp(state, app);
    // updateScale (plugins/ps/functions.go): with a Procfile, a type it lacks may only be set to 0; nothing is
    // written when one is refused.
    const refused = Object.keys(updates).find((type) => current.procfile && !current.procfile.includes(type) && updates[type] !== 0);
    if (refused) throw DokkuFailure.of(`${refused} is not a valid process name to scale up`);
    console.info1(`Scaling ${app} processes: ${tuples.join(" ")}`);
    const changed = Object.entries(updates).some(([type, quantity]) => current.scale[type] !== quantity);
    Object.assign(current.scale, updates);
    if (current.procfile) updateScaleFromProcfile(current);
    if (changed && !booleans.has("skip-deploy")) restartApp(state, app, console);
  });
};

/**
 * updateScale's bookkeeping once the app has a Procfile (after a release, post-release-builder): its types missing
 * from the formation get 0. (The real plugin moves 0-quantity types the Procfile lacks to `scale.old`, which
 * `ps:scale` still shows, so the formation the double keeps is what the report prints.)
 */
export function updateScaleFromProcfile(app: AppState): void {
  for (const type of app.procfile ?? []) if (!(type in app.scale)) app.scale[type] = 0;
}

/** parseProcessTuples of the ps plugin: `type=count`, first mention of a type wins. */
function parseProcessTuples(tuples: string[]): Record<string, number> {
  const formation: Record<string, number> = {};
  for (const tuple of tuples) {
    const at = tuple.indexOf("=");
    if (at < 0) throw DokkuFailure.of(`Missing count for process type ${tuple}`);
    const type = tuple.slice(0, at).trim();
    const count = tuple.slice(at + 1).trim();
    if (!/^[+-]?\d+$/.test(count)) throw DokkuFailure.of(`Invalid count for process type ${tuple.slice(0, at)}`);
    if (!(type in formation)) formation[type] = Number(count);
  }
  return formation;
}

function printFormation(target: AppState, format: string, log: (text: string) => void): void {
  const types = Object.keys(target.scale).sort();
  if (format === "json") {
    log(goJson(types.map((type) => ({ process_type: type, quantity: target.scale[type] }))));
    return;
  }
  for (const type of types) log(`${`${type}:`.padEnd(5)} ${target.scale[type]}`);
}

/** ps:restart app — a deployed app restarts (counted); one never deployed only warns, exit 0. */
const restart: CommandHandler = async ({ name, args, store, console }) => {
  const { positional } = parseFlags(name, args, { booleans: ["all"], strings: { parallel: "1" } });
  const app = positional[0];
  await store.update((state) => {
    const target = existingApp(state, app);
    if (!target.deployed) return console.warn(`App ${app} has not been deployed`);
    restartApp(state, app, console);
  });
};

function psReportFlags(target: AppState): Record<string, string> {
  const running = target.deployed && Object.values(target.scale).some((quantity) => quantity > 0);
  const flags: Record<string, string> = {
    "--deployed": String(target.deployed),
    "--processes": String(target.deployed ? Object.values(target.scale).reduce((sum, n) => sum + Math.max(n, 0), 0) : 0),
    "--ps-can-scale": "true",
    "--ps-computed-dockerfile-start-cmd": "",
    "--ps-computed-procfile-path": "Procfile",
    "--ps-computed-restart-policy": "on-failure:10",
    "--ps-computed-skip-deploy": "false",
    "--ps-computed-start-cmd": "",
    "--ps-computed-stop-timeout-seconds": "30",
    "--ps-dockerfile-start-cmd": "",
    "--ps-global-procfile-path": "Procfile",
    "--ps-global-restart-policy": "on-failure:10",
    "--ps-global-skip-deploy": "",
    "--ps-global-stop-timeout-seconds": "",
    "--ps-procfile-path": "",
    "--ps-restart-policy": "on-failure:10",
    "--ps-skip-deploy": "",
    "--ps-start-cmd": "",
    "--ps-stop-timeout-seconds": "",
    "--restore": "true",
    "--running": String(running),
  };
  if (target.deployed) {
    for (const [type, quantity] of Object.entries(target.scale)) {
      for (let index = 1; index <= quantity; index++) flags[`--status-${type}-${index}`] = "running";
    }
  }
  return flags;
}

/** ps:report [app] [--format json] — no scale in it: the formation comes from `ps:scale app --format json`. */
const report: CommandHandler = ({ args, store, console }) => {
  const { app, format, infoFlag } = parseReportArgs(args);
  const state = store.read();
  const shape = { reportType: "ps", trimPrefix: true, emitLegacyPrefix: true };
  for (const name of appsToReport(state.apps, app, console)) printReport(console, shape, psReportFlags(existingApp(state, name)), format, infoFlag);
};

export const psCommands: Record<string, CommandHandler> = {
  "ps:scale": scale,
  "ps:restart": restart,
  "ps:report": report,
};
