import * as pulumi from "@pulumi/pulumi";
import type { StackConfig } from "./config/schema";

/** Internal to @pulumi/pulumi (not in its typings): whether the engine marked a config key secret. */
const { isConfigSecret } = require("@pulumi/pulumi/runtime/config") as { isConfigSecret: (key: string) => boolean };

/**
 * The stack's own app variables (`restant:app.env`). Kept out of the EnvironmentSpec, which is registered as a
 * component's inputs and outputs in plain text. `pulumi config set --secret --path restant:app.env.X` makes the
 * engine mark the whole `restant:app` key secret, without saying which value was: then every value stays a secret.
 */
export function appEnvOf(config: StackConfig, secret: boolean = isConfigSecret("restant:app")): Record<string, pulumi.Input<string>> {
  const env: Record<string, pulumi.Input<string>> = {};
  for (const [name, value] of Object.entries(config.app.env ?? {})) env[name] = secret ? pulumi.secret(value) : value;
  return env;
}
