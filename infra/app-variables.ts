/**
 * The names of the environment variables the app receives, by who sets them. The one list the config rules (no
 * `restant:app.env` key may take one of these), the Laravel config, the service links and docs/app-contract.md
 * (checked by test/unit/app-contract.test.ts) all read.
 */

/** Set by this program on the app (components/laravel-config.ts); the Sentry and Flagsmith ones only when configured. */
export const PROGRAM_VARIABLES = [
  "APP_NAME",
  "APP_ENV",
  "APP_DEBUG",
  "APP_URL",
  "APP_KEY",
  "LOG_CHANNEL",
  "DB_CONNECTION",
  "CACHE_STORE",
  "QUEUE_CONNECTION",
  "CACHE_PREFIX",
  "REDIS_PREFIX",
  "SENTRY_LARAVEL_DSN",
  "SENTRY_ENVIRONMENT",
  "SENTRY_TRACES_SAMPLE_RATE",
  "SENTRY_RELEASE",
  "FLAGSMITH_ENVIRONMENT_KEY",
  "FLAGSMITH_API_URL",
] as const;
export type ProgramVariable = (typeof PROGRAM_VARIABLES)[number];

/** Set on the server when the database service is linked: dokku-mysql's own, and its copy under Laravel 11's name. */
export const DATABASE_LINK_VARIABLES = ["DATABASE_URL", "DB_URL"] as const;

/** Set on the server when production's or staging's own Redis service is linked (database numbers: Laravel's defaults). */
export const REDIS_LINK_VARIABLES = ["REDIS_URL"] as const;

/** Set on the server when a branch or preview is linked to the shared Redis and given its slot there. */
export const REDIS_SLOT_VARIABLES = ["REDIS_URL", "REDIS_DB", "REDIS_CACHE_DB"] as const;

/** Written into a Forge site's .env by its runtime (components/forge-runtime.ts): the database user it makes. */
export const FORGE_DATABASE_VARIABLES = ["DB_HOST", "DB_PORT", "DB_DATABASE", "DB_USERNAME", "DB_PASSWORD"] as const;

/** Written into a Forge site's .env by its runtime: the Forge server's own Redis. */
export const FORGE_REDIS_VARIABLES = ["REDIS_HOST", "REDIS_PORT"] as const;

/** Set by Dokku itself or this program's app resource for its own bookkeeping. */
export const DOKKU_VARIABLES = ["PULUMI_DOKKU_MANAGED_KEYS", "NO_VHOST"] as const;

/** Names `restant:app.env` may not set: someone else sets them, and two sources for one value is a bug. */
export const RESERVED_VARIABLES: readonly string[] = [
  ...PROGRAM_VARIABLES,
  ...DATABASE_LINK_VARIABLES,
  ...REDIS_SLOT_VARIABLES,
  ...FORGE_DATABASE_VARIABLES,
  ...FORGE_REDIS_VARIABLES,
  ...DOKKU_VARIABLES,
];
