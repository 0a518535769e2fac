import { DEFAULT_BRANCH, hostnameTemplateOf, slugOf } from "./config/kind-rules";
import { parseStackConfig } from "./config/parse";
import type { ConfigSource } from "./config/problems";
import type { DokkuSettings, EnvironmentKind, ForgeSettings, StackConfig } from "./config/schema";
import { type EnvironmentNames, hostnameFor, namesForSlug } from "./names";

/** Where the app runs: a Dokku app over SSH, or a Forge site. */
export type RuntimeSpec = { kind: "dokku"; dokku: DokkuSettings } | { kind: "forge"; forge: ForgeSettings };

/** Everything the components need to declare one environment, every name derived once, here. */
export interface EnvironmentSpec {
  kind: EnvironmentKind;
  stack: string;
  branch: string;
  /** The pull request of a preview. */
  pr?: number;
  names: EnvironmentNames;
  zone: string;
  zoneId: string;
  hostname: string;
  url: string;
  runtime: RuntimeSpec;
  dns: {
    /** IPv4 address of the runtime host. */
    ipv4: string;
    ipv6?: string;
    proxied: boolean;
    ttl: number;
  };
  app: {
    /** Laravel APP_ENV. */
    env: EnvironmentKind;
    debug: boolean;
    logChannel: string;
    scale: { web: number; worker: number };
  };
  /** Previews are closed to the public behind HTTP basic auth. */
  basicAuth: boolean;
}

/** What the platform stack shares with every environment. */
export interface PlatformSpec {
  kind: "platform";
  stack: string;
  zone: string;
  zoneId: string;
  runtime: RuntimeSpec | undefined;
  previewLimit: number;
}

export type StackSpec = EnvironmentSpec | PlatformSpec;

/** Laravel defaults per kind; a stack's `restant:app` overrides them. */
const APP_DEFAULTS: Record<EnvironmentKind, EnvironmentSpec["app"]> = {
  production: { env: "production", debug: false, logChannel: "stderr", scale: { web: 2, worker: 1 } },
  staging: { env: "staging", debug: false, logChannel: "stderr", scale: { web: 1, worker: 1 } },
  branch: { env: "branch", debug: false, logChannel: "stderr", scale: { web: 1, worker: 1 } },
  preview: { env: "preview", debug: true, logChannel: "stderr", scale: { web: 1, worker: 1 } },
};

/** Parses a stack's raw config (throws StackConfigError listing every problem) and derives its spec. */
export function loadStackSpec(raw: Record<string, string>, source: ConfigSource): StackSpec {
  return specOf(parseStackConfig(raw, source), source.stack);
}

export function specOf(config: StackConfig, stack: string): StackSpec {
  const runtime = runtimeOf(config);
  if (config.kind === "platform") {
    return { kind: "platform", stack, zone: config.zone, zoneId: config.zoneId, runtime, previewLimit: config.previewLimit };
  }
  const slug = slugOf(config);
  const branch = config.branch ?? DEFAULT_BRANCH[config.kind];
  if (slug === undefined || branch === undefined || runtime === undefined) {
    throw new Error("internal: specOf called with a config that kindRuleProblems should have refused");
  }
  const hostname = hostnameFor(hostnameTemplateOf(config), slug, config.zone);
  const host = runtime.kind === "dokku" ? runtime.dokku : runtime.forge;
  const defaults = APP_DEFAULTS[config.kind];
  return {
    kind: config.kind,
    stack,
    branch,
    ...(config.pr !== undefined ? { pr: config.pr } : {}),
    names: namesForSlug(slug),
    zone: config.zone,
    zoneId: config.zoneId,
    hostname,
    url: `https://${hostname}`,
    runtime,
    dns: { ipv4: host.ipv4, ...(host.ipv6 ? { ipv6: host.ipv6 } : {}), proxied: config.dns.proxied, ttl: config.dns.ttl },
    app: {
      env: defaults.env,
      debug: config.app.debug ?? defaults.debug,
      logChannel: config.app.logChannel ?? defaults.logChannel,
      scale: config.app.scale ?? defaults.scale,
    },
    basicAuth: config.kind === "preview",
  };
}

function runtimeOf(config: StackConfig): RuntimeSpec | undefined {
  if (config.runtime === "forge" && config.forge) return { kind: "forge", forge: config.forge };
  if (config.dokku) return { kind: "dokku", dokku: config.dokku };
  return undefined;
}
