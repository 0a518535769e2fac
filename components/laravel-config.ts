import * as pulumi from "@pulumi/pulumi";
import type { ProgramVariable } from "../infra/app-variables";
import type { EnvironmentSpec } from "../infra/spec";
import { SECRET_NAME } from "../infra/secret-names";

export interface LaravelConfigParts {
  spec: EnvironmentSpec;
  /** Laravel APP_KEY (secret). */
  appKey: pulumi.Input<string>;
  /** SENTRY_LARAVEL_DSN (secret). Default: no Sentry variables. */
  sentryDsn?: pulumi.Input<string>;
  /** FLAGSMITH_ENVIRONMENT_KEY, a server-side `ser.…` key (secret). Default: no Flagsmith variables. */
  flagsmithServerKey?: pulumi.Input<string>;
  /** The stack's own variables (`restant:app.env`), secret where the config value is. Default: none. */
  appEnv?: Record<string, pulumi.Input<string>>;
}

/**
 * Variables an app keeps once it has them: a new APP_KEY would make every value Laravel encrypted (sessions, encrypted
 * casts) unreadable, so an adopted app keeps its own and the generated one only fills an app that has none.
 */
export const KEPT_ONCE_SET = ["APP_KEY"];

/**
 * Variables that change exactly when the commit deployed does (the release Sentry tags errors with): the deploy of that
 * commit restarts the app anyway, so setting them restarts nothing.
 */
export const RELEASE_VARIABLES = ["SENTRY_RELEASE"];

/**
 * Variables whose values other services create (the Sentry key's DSN, the Flagsmith environment's server key). The
 * runtime sets them in a step of their own that only the deploy waits for, so the app's creation (and the slow first
 * clone of its repository after it) never waits for Sentry or Flagsmith.
 */
export const LATE_VARIABLES = ["SENTRY_LARAVEL_DSN", "FLAGSMITH_ENVIRONMENT_KEY"] as const;

/** laravelConfig's variables split: those the app is created with, and LATE_VARIABLES. */
export function splitLateVariables(config: Record<string, pulumi.Input<string>>): {
  now: Record<string, pulumi.Input<string>>;
  late: Record<string, pulumi.Input<string>>;
} {
  const now: Record<string, pulumi.Input<string>> = {};
  const late: Record<string, pulumi.Input<string>> = {};
  for (const [name, value] of Object.entries(config)) {
    if ((LATE_VARIABLES as readonly string[]).includes(name)) late[name] = value;
    else now[name] = value;
  }
  return { now, late };
}


/** Whether laravelConfig passes this variable on as a secret whatever its source. */
export function isSecretVariableName(name: string): boolean {
  return SECRET_NAME.test(name);
}

/**
 * The environment variables the Laravel app reads, in one place for every runtime (docs/app-contract.md lists them
 * with those the service links add). Values of secret-looking names are wrapped as Pulumi secrets here, so no caller
 * can forget.
 */
export function laravelConfig(parts: LaravelConfigParts): Record<string, pulumi.Input<string>> {
  const { spec } = parts;
  const vars: Partial<Record<ProgramVariable, pulumi.Input<string>>> = {
    APP_NAME: "Restant",
    APP_ENV: spec.app.env,
    APP_DEBUG: String(spec.app.debug),
    APP_URL: spec.url,
    APP_KEY: parts.appKey,
    LOG_CHANNEL: spec.app.logChannel,
    // Laravel 11 defaults to sqlite and to the database for cache and queue: point them at the linked services.
    DB_CONNECTION: "mysql",
    CACHE_STORE: "redis",
    QUEUE_CONNECTION: "redis",
    CACHE_PREFIX: spec.names.redisKeyPrefix,
    REDIS_PREFIX: spec.names.redisKeyPrefix,
  };
  if (spec.sentry && parts.sentryDsn) {
    vars.SENTRY_LARAVEL_DSN = parts.sentryDsn;
    vars.SENTRY_ENVIRONMENT = spec.names.sentryEnvironment;
    vars.SENTRY_TRACES_SAMPLE_RATE = String(spec.sentry.tracesSampleRate);
    // The release CI registers in Sentry after the up is the same commit, so events point at the deployed code.
    if (spec.deploy.commit !== undefined) vars.SENTRY_RELEASE = spec.deploy.commit;
  }
  if (spec.flagsmith && parts.flagsmithServerKey) {
    vars.FLAGSMITH_ENVIRONMENT_KEY = parts.flagsmithServerKey;
    vars.FLAGSMITH_API_URL = spec.flagsmith.apiUrl;
  }
  // restant:app.env cannot name a program variable (infra/config/kind-rules.ts), so nothing here is overridden.
  const all: Record<string, pulumi.Input<string>> = { ...vars, ...(parts.appEnv ?? {}) } as Record<string, pulumi.Input<string>>;
  for (const name of Object.keys(all)) {
    if (isSecretVariableName(name)) all[name] = pulumi.secret(all[name]!);
  }
  return all;
}
