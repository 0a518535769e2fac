import * as pulumi from "@pulumi/pulumi";
import { Platform } from "../components/platform";
import { BASIC_AUTH_USER, TenantEnvironment } from "../components/tenant-environment";
import { appEnvOf } from "./app-env";
import { exampleValuesIn, exampleValueWarnings } from "./config/example-values";
import { parseStackConfig } from "./config/parse";
import { type ConfigSource, StackConfigError } from "./config/problems";
import { configFilesOf } from "./config/stack-files";
import { specOf } from "./spec";

export interface ProgramOptions {
  /** Where the stack's config came from, for error messages. Default: `stacks/Pulumi.<stack>.yaml`. */
  configOrigin?: string;
  /** The file each key came from. Default: read from Pulumi.yaml and the stack file, as the engine read them. */
  configFiles?: Readonly<Record<string, string>>;
  /**
   * What to do with a shipped example value (example.com, 203.0.113.10, the example host key): "refuse" (a real
   * preview or up: StackConfigError naming each key and its file) or "warn" (the offline plan: `warn` gets one line
   * per value). Default: "refuse".
   */
  exampleValues?: "refuse" | "warn";
  /** Where warnings go in "warn" mode. Default: stderr. */
  warn?: (line: string) => void;
}

/**
 * The whole program: stack config → checked spec (every name derived once) → components → stack outputs. Bad config
 * throws before any resource is declared. Logical names are fixed words, never derived from data that can change.
 */
export function program(options: ProgramOptions = {}): Record<string, pulumi.Input<unknown>> {
  const stack = pulumi.getStack();
  const raw = pulumi.runtime.allConfig();
  const source: ConfigSource = {
    stack,
    origin: options.configOrigin ?? `stacks/Pulumi.${stack}.yaml`,
    files: options.configFiles ?? configFilesOf(stack),
  };
  const config = parseStackConfig(raw, source);
  refuseOrWarnExampleValues(raw, source, options);
  const spec = specOf(config, stack);

  if (spec.kind === "platform") {
    const platform = new Platform("restant", { spec });
    return { kind: spec.kind, previewLimit: platform.previewLimit };
  }

  const environment = new TenantEnvironment("restant", {
    spec,
    appEnv: appEnvOf(config),
    ...(config.previewPassword !== undefined ? { previewPassword: pulumi.secret(config.previewPassword) } : {}),
  });
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

/** A real deploy with a shipped example value would point DNS, SSH and certificates at nobody's server. */
function refuseOrWarnExampleValues(raw: Record<string, string>, source: ConfigSource, options: ProgramOptions): void {
  const examples = exampleValuesIn(raw, source);
  if (examples.length === 0) return;
  if ((options.exampleValues ?? "refuse") === "refuse") {
    throw new StackConfigError(source, examples.map(({ key, message, file }) => ({ key, message, ...(file ? { file } : {}) })));
  }
  const warn = options.warn ?? ((line: string) => process.stderr.write(`${line}\n`));
  for (const line of exampleValueWarnings(examples)) warn(line);
}
