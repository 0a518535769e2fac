import type * as pulumi from "@pulumi/pulumi";
import type { EnvironmentSpec } from "../../infra/spec";

/** What TenantEnvironment gives the runtime it asks for: the same whatever runs the app. */
export interface RuntimeArgs {
  /** The environment (infra/spec.ts); `spec.runtime.kind` chooses the runtime. */
  spec: EnvironmentSpec;
  /** The app's environment variables (components/laravel-config.ts), secrets already secret. */
  config: Record<string, pulumi.Input<string>>;
  /**
   * Variables whose values come from other services (components/laravel-config.ts LATE_VARIABLES, secret): set on the
   * app before the deploy by a step of their own, so creating the app does not wait for those services. Default: none.
   */
  lateConfig?: Record<string, pulumi.Input<string>>;
  /** Config keys an app keeps once it has them (components/laravel-config.ts KEPT_ONCE_SET). Default: none. */
  keepOnServer?: string[];
  /**
   * Config keys that change only with the commit deployed (components/laravel-config.ts RELEASE_VARIABLES): the
   * deploy of the new commit restarts the app, so setting them must not. Default: none.
   */
  restartedByDeploy?: string[];
  /** The database user's password (components/app-secrets.ts), for runtimes that make the user (Forge). Default: none. */
  databasePassword?: pulumi.Input<string>;
  /** HTTP basic auth in front of the app (previews). Default: none, the app is public. */
  basicAuth?: { user: string; password: pulumi.Input<string> };
}

/** What a verified pre-deploy backup reports (components/dokku/server/backup-script.ts prints it as its last line). */
export interface BackupRecord {
  id: string;
  path: string;
  bytes: number;
  tables: number;
}

/**
 * One environment's app on a runtime (Dokku over SSH, a Forge site over its API), as TenantEnvironment sees it: the
 * app's identity, its database, its Redis, its certificate and its deploy. Everything else is the runtime's own.
 */
export interface EnvironmentRuntime extends pulumi.ComponentResource {
  /** The app's name on the runtime (`names.app`), known once the app exists. */
  readonly appName: pulumi.Output<string>;
  /** The resource that holds the environment's data (production's is protected and retained). */
  readonly database: pulumi.Resource;
  /**
   * Where the database came from: "pool" (a warm pool member), "clone" (a direct clone of the snapshot), "copy" (the
   * snapshot copied on the previews' Forge server), "empty" or "adopted"; undefined where the runtime cannot say.
   */
  readonly databaseSource?: pulumi.Output<string>;
  /** The logical Redis database the environment claimed (branches, previews); undefined with a service of its own. */
  readonly redisSlot: pulumi.Output<number> | undefined;
  /** The certificate for the hostname. */
  readonly tls: pulumi.Resource;
  /** The deploy of `spec.deploy`: done when the app runs the commit. */
  readonly deployment: pulumi.Resource;
  /**
   * A database cloned from the master snapshot: when its data was taken from production (ISO 8601 UTC), or "unknown"
   * when the snapshot recorded no time; undefined when the database is no clone.
   */
  readonly snapshotTakenAt: pulumi.Output<string> | undefined;
  /** The last verified backup, `{ id, path, bytes, tables }`; undefined where the runtime takes none. */
  readonly lastBackup: pulumi.Output<BackupRecord | undefined> | undefined;
}
