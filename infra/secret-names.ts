/**
 * Words that make a variable name a secret's (APP_KEY, DB_PASSWORD, SENTRY_LARAVEL_DSN…). One list for the code that
 * wraps such values as Pulumi secrets (components/laravel-config.ts) and the policies that refuse them in plain text
 * (secrets-are-secret, remote-commands-safe); the policies' tests pin the names that must stay covered.
 */
export const SECRET_NAME_WORDS = ["KEY", "SECRET", "PASSWORD", "TOKEN", "DSN"] as const;

/** A name containing one of the words. */
export const SECRET_NAME = new RegExp(`(?:${SECRET_NAME_WORDS.join("|")})`);
