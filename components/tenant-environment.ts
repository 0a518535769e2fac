import * as pulumi from "@pulumi/pulumi";
import type { EnvironmentSpec } from "../infra/spec";
import { AppSecrets } from "./app-secrets";
import { DeploymentEnvironment } from "./deployment-environment";
import { FeatureFlags } from "./feature-flags";
import { EnvironmentMonitoring } from "./environment-monitoring";
import { HostRecords } from "./host-records";
import { KEPT_ONCE_SET, laravelConfig, RELEASE_VARIABLES, splitLateVariables } from "./laravel-config";
import { createRuntime, type EnvironmentRuntime } from "./runtime";
import { SentryClientKey } from "./sentry-client-key";
import { BASIC_AUTH_USER } from "../infra/names";

export interface TenantEnvironmentArgs {
  /** The environment, every name already derived (infra/spec.ts). Components read names from it, never make them. */
  spec: EnvironmentSpec;
  /** The stack's own app variables (`restant:app.env`), secrets already secret. Default: none. */
  appEnv?: Record<string, pulumi.Input<string>>;
  /** The team's preview password (`restant:previewPassword`), kept out of the spec. Default: one generated per preview. */
  previewPassword?: pulumi.Input<string>;
}

/**
 * One Restant environment — production, staging, a branch or a PR preview — as one component: its secrets, DNS and
 * (as they land) runtime, database, Redis slot, certificate, Sentry, Flagsmith, Grafana and GitHub parts as children.
 * The spec is registered as the component's inputs and outputs so policies can check resources against the names it
 * derived: resource policies and the offline plan read inputs, the engine's stack policies read outputs.
 */
export class TenantEnvironment extends pulumi.ComponentResource {
  readonly spec: EnvironmentSpec;
  private readonly appEnv: Record<string, pulumi.Input<string>>;
  readonly secrets: AppSecrets;
  readonly dns: HostRecords;
  readonly sentry: SentryClientKey | undefined;
  readonly featureFlags: FeatureFlags | undefined;
  /** Where the app runs: the runtime `spec.runtime` names (Dokku, Forge), behind one interface. */
  readonly runtime: EnvironmentRuntime;
  readonly monitoring: EnvironmentMonitoring | undefined;
  readonly deploymentEnvironment: DeploymentEnvironment | undefined;

  constructor(name: string, args: TenantEnvironmentArgs, opts?: pulumi.ComponentResourceOptions) {
    super("restant:environment:TenantEnvironment", name, { spec: args.spec }, opts);
    this.spec = args.spec;
    this.appEnv = args.appEnv ?? {};
    this.secrets = this.createSecrets(name, args.previewPassword);
    this.dns = this.createDns(name);
    this.sentry = this.createSentryKey(name);
    this.featureFlags = this.createFeatureFlags(name);
    this.runtime = this.createRuntime(name);
    this.monitoring = this.createMonitoring(name);
    this.deploymentEnvironment = this.createDeploymentEnvironment(name);
    this.registerOutputs({ url: args.spec.url, spec: args.spec });
  }

  private createSecrets(name: string, teamPassword: pulumi.Input<string> | undefined): AppSecrets {
    const { basicAuth, database } = this.spec;
    return new AppSecrets(
      `${name}-secrets`,
      { basicAuth, databasePassword: database.user !== undefined, ...(teamPassword !== undefined ? { teamPassword } : {}) },
      { parent: this },
    );
  }

  private createDns(name: string): HostRecords {
    const { spec } = this;
    return new HostRecords(
      `${name}-dns`,
      {
        zoneId: spec.zoneId,
        hostname: spec.hostname,
        ipv4: spec.dns.ipv4,
        ...(spec.dns.ipv6 ? { ipv6: spec.dns.ipv6 } : {}),
        proxied: spec.dns.proxied,
        ttl: spec.dns.ttl,
        comment: `restant ${spec.kind} ${spec.names.slug} (pulumi stack ${spec.stack})`,
      },
      { parent: this },
    );
  }

  private createSentryKey(name: string): SentryClientKey | undefined {
    const { sentry } = this.spec;
    if (!sentry) return undefined;
    return new SentryClientKey(
      `${name}-sentry`,
      { organization: sentry.organization, project: sentry.project, keyName: sentry.keyName },
      { parent: this },
    );
  }

  private createFeatureFlags(name: string): FeatureFlags | undefined {
    const { flagsmith } = this.spec;
    return flagsmith ? new FeatureFlags(`${name}-flags`, { flagsmith }, { parent: this }) : undefined;
  }

  private createRuntime(name: string): EnvironmentRuntime {
    const { now: config, late: lateConfig } = splitLateVariables(laravelConfig({
      spec: this.spec,
      appKey: this.secrets.appKey,
      appEnv: this.appEnv,
      ...(this.sentry ? { sentryDsn: this.sentry.dsn } : {}),
      ...(this.featureFlags ? { flagsmithServerKey: this.featureFlags.serverKey } : {}),
    }));
    const { basicAuthPassword: password, databasePassword } = this.secrets;
    return createRuntime(
      `${name}-runtime`,
      {
        spec: this.spec,
        config,
        lateConfig,
        keepOnServer: KEPT_ONCE_SET,
        restartedByDeploy: RELEASE_VARIABLES,
        ...(databasePassword ? { databasePassword } : {}),
        ...(password ? { basicAuth: { user: BASIC_AUTH_USER, password } } : {}),
      },
      { parent: this },
    );
  }

  private createMonitoring(name: string): EnvironmentMonitoring | undefined {
    const { monitoring, names, kind } = this.spec;
    if (!monitoring) return undefined;
    const password = this.secrets.basicAuthPassword;
    return new EnvironmentMonitoring(
      `${name}-monitoring`,
      {
        monitoring,
        labels: { environment: names.slug, kind, app: names.app },
        ...(password ? { basicAuth: { username: BASIC_AUTH_USER, password } } : {}),
        liveAfter: [this.runtime.deployment],
      },
      { parent: this },
    );
  }

  private createDeploymentEnvironment(name: string): DeploymentEnvironment | undefined {
    const { github, url } = this.spec;
    if (!github) return undefined;
    return new DeploymentEnvironment(`${name}-github`, { github, url }, { parent: this });
  }
}

export { BASIC_AUTH_USER } from "../infra/names";
