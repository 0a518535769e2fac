import * as pulumi from "@pulumi/pulumi";
import { Platform } from "../components/platform";
import { TenantEnvironment } from "../components/tenant-environment";
import { loadStackSpec } from "./spec";

export interface ProgramOptions {
  /** Where the stack's config came from, for error messages. Default: `stacks/Pulumi.<stack>.yaml`. */
  configOrigin?: string;
}

/**
 * The whole program: stack config → checked spec (every name derived once) → components → stack outputs. Bad config
 * throws before any resource is declared. Logical names are fixed words, never derived from data that can change.
 */
export function program(options: ProgramOptions = {}): Record<string, pulumi.Input<unknown>> {
  const stack = pulumi.getStack();
  const spec = loadStackSpec(pulumi.runtime.allConfig(), {
    stack,
    origin: options.configOrigin ?? `stacks/Pulumi.${stack}.yaml`,
  });

  if (spec.kind === "platform") {
    const platform = new Platform("restant", { spec });
    return { kind: spec.kind, previewLimit: platform.previewLimit };
  }

  const environment = new TenantEnvironment("restant", { spec });
  return {
    kind: spec.kind,
    url: spec.url,
    hostname: spec.hostname,
    slug: spec.names.slug,
    appName: spec.names.dokkuApp,
    names: spec.names,
    appKey: environment.secrets.appKey,
    databasePassword: environment.secrets.databasePassword,
    ...(environment.runtime.lastBackup ? { backup: environment.runtime.lastBackup } : {}),
    ...(environment.sentry ? { sentryDsn: environment.sentry.dsn } : {}),
    ...(environment.secrets.basicAuthPassword ? { basicAuthPassword: environment.secrets.basicAuthPassword } : {}),
  };
}
