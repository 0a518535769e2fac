import { appendFileSync } from "node:fs";
import { StackConfigError } from "../../infra/config/problems";
import { AutomationStackEngine } from "./automation-stack-engine";
import { systemClock } from "./clock";
import { healthProbeFromEnv } from "./health-check";
import type { LifecycleDeps } from "./lifecycle-deps";
import { type GitHubScope, githubFromEnv } from "./github-from-env";
import { sharedSettings } from "../../infra/config/shared-settings";
import { SentryReleases, sentryTargetFrom } from "./sentry-releases";
import { settingsFromEnv } from "./settings";

/**
 * The real dependencies of a CI script, from the environment GitHub Actions gives it: GITHUB_TOKEN (required),
 * GITHUB_REPOSITORY, GITHUB_API_URL, in the platform layout RESTANT_APP_GITHUB_TOKEN (github-from-env.ts), the RESTANT_* settings, SENTRY_AUTH_TOKEN and SENTRY_URL; the Pulumi CLI reads
 * its own (PULUMI_BACKEND_URL, PULUMI_CONFIG_PASSPHRASE, PULUMI_ACCESS_TOKEN, provider credentials). What the program
 * also reads (the Sentry project, the Flagsmith URL, the preview limit) comes from the stack config, never from here.
 */
export function depsFromEnv(env: NodeJS.ProcessEnv, scope: GitHubScope = "app"): LifecycleDeps {
  const workDir = env.RESTANT_WORK_DIR ?? process.cwd();
  const configured = settingsFromEnv(env, workDir);
  refuseMissingBackend(env);
  refuseEmptyPassphrase(env);
  const log = (text: string) => process.stderr.write(text);
  const { api: github, botLogin } = githubFromEnv(env, configured, scope, log);
  // Every consumer (drift issues, the breaker, preview comments, echoes of the bot's own events) compares authors with
  // settings.botLogin: it is the login of the token this script's client writes with (github-from-env.ts).
  const settings = { ...configured, botLogin };
  const shared = sharedSettings(workDir);
  const sentryTarget = sentryTargetFrom(env, shared.sentry);
  const engineEnv: Record<string, string> = {
    // The Flagsmith resources take their API's URL as an input (restant:flagsmith.apiUrl). Resources a stack stored
    // with provider version 1 have none until their next update, and the first refresh or destroy runs that stored
    // code, which reads FLAGSMITH_API_URL: the same URL, for those.
    ...(shared.flagsmithApiUrl ? { FLAGSMITH_API_URL: shared.flagsmithApiUrl } : {}),
    // The program's GitHub provider manages deployment environments, which needs more than this run's token:
    // PULUMI_GITHUB_TOKEN, when given, is what the pulumi process sees as GITHUB_TOKEN.
    ...(env.PULUMI_GITHUB_TOKEN ? { GITHUB_TOKEN: env.PULUMI_GITHUB_TOKEN } : {}),
  };
  return {
    engine: new AutomationStackEngine({
      workDir,
      policyPacks: settings.policyPacks,
      clock: systemClock,
      log,
      ...(Object.keys(engineEnv).length > 0 ? { envVars: engineEnv } : {}),
    }),
    github,
    clock: systemClock,
    probe: healthProbeFromEnv(env),
    settings,
    sentry: sentryTarget ? new SentryReleases(sentryTarget) : undefined,
    log,
  };
}

/**
 * Pulumi.yaml pins no backend, and a CI runner has no `pulumi login` of its own: without PULUMI_BACKEND_URL (or a
 * Pulumi Cloud token) the CLI would fail late, or a runner with a stale login would make a second state for the same
 * servers. Refused before any stack is touched.
 */
export function refuseMissingBackend(env: NodeJS.ProcessEnv): void {
  if ((env.PULUMI_BACKEND_URL ?? "") !== "" || (env.PULUMI_ACCESS_TOKEN ?? "") !== "") return;
  throw new Error(
    "no state backend: set PULUMI_BACKEND_URL (the repository variable, e.g. s3://bucket/restant) to the backend your " +
      "laptops use too, or PULUMI_ACCESS_TOKEN for Pulumi Cloud",
  );
}

/**
 * A DIY backend (s3://, azblob://, gs://, file://) encrypts stack secrets with PULUMI_CONFIG_PASSPHRASE; the CLI takes an
 * empty one and encrypts them with an empty key. Refused before any stack is touched.
 */
export function refuseEmptyPassphrase(env: NodeJS.ProcessEnv): void {
  const backend = env.PULUMI_BACKEND_URL ?? "";
  if (!/^(s3|azblob|gs|file):\/\//.test(backend)) return;
  if ((env.PULUMI_CONFIG_PASSPHRASE ?? "") !== "" || (env.PULUMI_CONFIG_PASSPHRASE_FILE ?? "") !== "") return;
  throw new Error(
    `PULUMI_BACKEND_URL is a DIY backend (${backend.split(":")[0]}://): set a non-empty PULUMI_CONFIG_PASSPHRASE, ` +
      "or Pulumi would encrypt every stack secret with an empty key",
  );
}

/** Adds Markdown to the run's summary page when GitHub gives one (GITHUB_STEP_SUMMARY), and always to stdout. */
export function summarize(env: NodeJS.ProcessEnv, markdown: string): void {
  process.stdout.write(`${markdown}\n`);
  if (env.GITHUB_STEP_SUMMARY) appendFileSync(env.GITHUB_STEP_SUMMARY, `${markdown}\n`);
}

/**
 * Runs a script's main and turns its result into the process's exit code; errors print without a stack of secrets.
 * Bad input (a branch git would refuse, bad stack config) exits 2 with the problems, each naming its key.
 */
export function runMain(name: string, main: () => Promise<number>): void {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      if (error instanceof StackConfigError) {
        process.stderr.write(`${name}: ${error.message}\n`);
        process.exit(2);
      }
      process.stderr.write(`${name} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exit(1);
    },
  );
}
