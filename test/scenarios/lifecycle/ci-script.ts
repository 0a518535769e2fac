import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { projectRoot } from "../../support/built";
import { PASSPHRASE, type Scenario } from "./harness";

const run = promisify(execFile);

export interface ScriptRun {
  code: number;
  stdout: string;
  stderr: string;
  /** What the script wrote to the run's summary page (GITHUB_STEP_SUMMARY). */
  summary: string;
}

/**
 * Runs `node build/scripts/<name>.js` as CI does: everything from the environment the workflow gives it and the event
 * file GitHub writes, against the scenario's GitHub, Sentry and pulumi CLI doubles. `extra` adds or overrides
 * variables (ARGS: the script's arguments, space-separated).
 */
export function ciScript(s: Scenario): (name: string, event: { name: string; payload: unknown } | undefined, extra?: Record<string, string>) => Promise<ScriptRun> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "ci-script-"));
  return async (name, event, extra = {}) => {
    const eventPath = path.join(dir, `${name}-event.json`);
    const summary = path.join(dir, `${name}-summary.md`);
    writeFileSync(eventPath, JSON.stringify(event?.payload ?? {}));
    writeFileSync(summary, "");
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? os.tmpdir(),
      GITHUB_REPOSITORY: "restant/environments",
      GITHUB_TOKEN: s.github.acceptedToken,
      GITHUB_API_URL: s.github.url,
      GITHUB_SERVER_URL: "https://github.com",
      GITHUB_RUN_ID: "77",
      GITHUB_EVENT_NAME: event?.name ?? "schedule",
      GITHUB_EVENT_PATH: eventPath,
      GITHUB_STEP_SUMMARY: summary,
      RESTANT_WORK_DIR: s.pulumi.workDir,
      PULUMI_BACKEND_URL: s.pulumi.backendUrl,
      PULUMI_CONFIG_PASSPHRASE: PASSPHRASE,
      SENTRY_AUTH_TOKEN: "sntrys_double",
      SENTRY_URL: s.sentry.url,
      GITHUB_ACTOR: "writer",
      ...s.appEnv,
      ...extra,
    };
    const file = path.join(projectRoot, "build", "scripts", `${name}.js`);
    try {
      const { stdout, stderr } = await run(process.execPath, [file, ...(extra.ARGS ? extra.ARGS.split(" ") : [])], { env, timeout: 120_000 });
      return { code: 0, stdout, stderr, summary: readFileSync(summary, "utf8") };
    } catch (error) {
      const failed = error as { code: number; stdout: string; stderr: string };
      return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr, summary: readFileSync(summary, "utf8") };
    }
  };
}
