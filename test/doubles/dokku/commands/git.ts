import { DokkuFailure } from "../cli/failure";
import { parseReportArgs, printReport } from "../cli/report";
import { faultsOf } from "../state/faults";
import { AppState } from "../state/types";
import { existingApp, existingAppFromShell, restartApp } from "./app-rules";
import { updateScaleFromProcfile } from "./ps";
import { CommandHandler } from "./context";

/**
 * git:sync [--build|--build-if-changes] app repository [ref] — records the repository and ref; with a build the app
 * is deployed. The double builds nothing: it marks the release and counts it as a restart; from then on config changes
 * restart the app, as they do on a deployed Dokku app.
 */
const sync: CommandHandler = async ({ args, store, console }) => {
  const known: string[] = ["--build", "--build-if-changes", "--skip-deploy-branch"];
  const flags = args.filter((arg) => known.includes(arg));
  const [app, repository, ref = ""] = args.filter((arg) => !flags.includes(arg));
  const failure = await store.update((state) => {
    const target = existingAppFromShell(state, app);
    if (!repository) throw DokkuFailure.of("Missing GIT_REMOTE parameter");
    const changed = target.source?.repository !== repository || target.source?.ref !== ref;
    const build = flags.includes("--build") || (flags.includes("--build-if-changes") && changed);
    target.source = { repository, ref, at: Date.now(), built: build };
    if (!build) return undefined;
    console.info1(`Building ${app} from ${repository}${ref ? `#${ref}` : ""}`);
    if (faultsOf(state.faults, "health-check-fails").some((fault) => fault.app === app)) {
      // check-deploy stops the new container; the previous release (if any) keeps serving. The failure is saved
      // with the fetched source, so it is returned rather than thrown.
      return DokkuFailure.of("Could not start due to 1 failed checks (web.1)");
    }
    target.deployed = true;
    target.release = { repository, ref, at: Date.now() };
    target.procfile = state.repositories?.[repository]?.procfile;
    if (target.procfile) updateScaleFromProcfile(target);
    restartApp(state, app, console);
    return undefined;
  });
  if (failure) throw failure;
};

function gitReportFlags(target: AppState): Record<string, string> {
  return {
    "--git-computed-archive-max-files": "0",
    "--git-computed-archive-max-size": "0",
    "--git-computed-deploy-branch": "master",
    "--git-computed-keep-git-dir": "false",
    "--git-deploy-branch": "",
    "--git-global-archive-max-files": "",
    "--git-global-archive-max-size": "",
    "--git-global-deploy-branch": "master",
    "--git-global-keep-git-dir": "",
    "--git-keep-git-dir": "",
    "--git-last-updated-at": target.source ? String(Math.floor(target.source.at / 1000)) : "",
    // The real report shows the commit the ref resolved to; the double records the ref as given.
    "--git-sha": target.source?.ref ?? "",
    "--git-rev-env-var": "GIT_REV",
    "--git-source-image": "",
  };
}

/** git:report app [--format json] [--git-sha…] */
const report: CommandHandler = ({ args, store, console }) => {
  const { app, format, infoFlag } = parseReportArgs(args);
  const target = existingApp(store.read(), app);
  printReport(console, { reportType: "git", trimPrefix: true, emitLegacyPrefix: false }, gitReportFlags(target), format, infoFlag);
};

export const gitCommands: Record<string, CommandHandler> = {
  "git:sync": sync,
  "git:report": report,
};
