import * as pulumi from "@pulumi/pulumi";
import { Platform } from "../components/platform";
import { BASIC_AUTH_USER, TenantEnvironment } from "../components/tenant-environment";
import { appEnvOf } from "./app-env";
import { parseStackConfig } from "./config/parse";
import { specOf } from "./spec";

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
  const config = parseStackConfig(pulumi.runtime.allConfig(), {
    stack,
    origin: options.configOrigin ?? `stacks/Pulumi.${stack}.yaml`,
  });
  const spec = specOf(config, stack);

  if (spec.kind === "platform") {
    const platform = new Platform("restant", { spec });
    return { kind: spec.kind, previewLimit: platform.previewLimit };
  }

  const environment = new TenantEnvironment("restant", { spec, appEnv: appEnvOf(config) });
  return {
    kind: spec.kind,
    url: spec.url,
    healthUrl: spec.healthUrl,
    hostname: spec.hostname,
    slug: spec.names.slug,
    appName: spec.names.app,
    names: spec.names,
    appKey: environment.secrets.appKey,
    ...(environment.secrets.databasePassword ? { databasePassword: environment.secrets.databasePassword } : {}),
    ...(environment.runtime.lastBackup ? { backup: environment.runtime.lastBackup } : {}),
    // A clone of the master snapshot: when its data was taken (the preview comment shows its age), or "unknown".
    ...(environment.runtime.snapshotTakenAt ? { snapshotTakenAt: environment.runtime.snapshotTakenAt } : {}),
    // A preview's comment says whether its database was a warm pool member or a direct clone.
    ...(environment.runtime.databaseSource ? { databaseSource: environment.runtime.databaseSource } : {}),
    ...(environment.sentry ? { sentryDsn: environment.sentry.dsn } : {}),
    // The user and password the lifecycle's health check sends to a preview behind basic auth.
    ...(environment.secrets.basicAuthPassword ? { basicAuthUser: BASIC_AUTH_USER, basicAuthPassword: environment.secrets.basicAuthPassword } : {}),
  };
}
