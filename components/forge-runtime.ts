import * as pulumi from "@pulumi/pulumi";
import type { FORGE_DATABASE_VARIABLES, FORGE_REDIS_VARIABLES } from "../infra/app-variables";
import type { EnvironmentSpec, ForgePreviewDataSpec } from "../infra/spec";
import { UNKNOWN_SNAPSHOT_TIME } from "./dokku/mysql/snapshot-time";
import { slotConfig } from "./dokku/redis/redis-slot-operations";
import type { ForgeSettings } from "../infra/config/schema";
import {
  deployScript,
  dotenv,
  ForgeBackgroundProcess,
  ForgeCertificate,
  ForgeDatabase,
  ForgeDatabaseClone,
  ForgeDatabaseUser,
  ForgeDeployment,
  ForgeEnvironmentFile,
  ForgeRedisSlot,
  ForgeSecurityRule,
  ForgeSite,
} from "./forge";
import { backupStep } from "./forge/backup-step";
import type { EnvironmentRuntime, RuntimeArgs } from "./runtime/environment-runtime";

/** The database user the site connects as and its password. */
interface DatabaseLogin {
  user: string;
  password: pulumi.Input<string>;
}

/**
 * The environment as a Laravel Forge site, through Forge's organization API, in the order Forge needs: the site
 * (isolated user, PHP, web directory, repository), basic auth over it where asked (previews), the server's database
 * and a user for it, the site's .env, the
 * queue worker as a background process, the deploy of the environment's commit (a verified backup first where the
 * spec asks for one), then the Let's Encrypt certificate (HTTP-01 needs the domain served). Redis is the server's own,
 * the environment's keys kept apart by their prefix (docs/forge.md). Branches and previews run on the previews' own
 * Forge server (infra/spec.ts), where they claim a Redis slot and a preview's database is a verified copy of the
 * master snapshot, both over SSH as the server's `forge` user.
 *
 * What belongs to the site or the database takes its `id`, not its siteId/databaseId output (the same number): the
 * engine keeps an id known in the preview of an update, while @pulumi/pulumi's dynamic-provider host drops the
 * `stables` a diff names, so every other output is unknown there. With the output, a PHP version changed by hand
 * previewed the .env, deployment and certificate as replaced (seen on the real engine: test/engine/scenarios/forge-staging.ts).
 */
export class ForgeRuntime extends pulumi.ComponentResource implements EnvironmentRuntime {
  readonly site: ForgeSite;
  readonly database: ForgeDatabase;
  readonly databaseUser: ForgeDatabaseUser;
  readonly environmentFile: ForgeEnvironmentFile;
  /** The queue worker; none when the spec scales workers to 0. */
  readonly queueWorker: ForgeBackgroundProcess | undefined;
  readonly deployment: ForgeDeployment;
  readonly tls: ForgeCertificate;
  /** HTTP basic auth over the whole site (previews); none when the environment is public. */
  readonly basicAuth: ForgeSecurityRule | undefined;
  readonly appName: pulumi.Output<string>;
  /** A branch's or preview's logical database on its server's Redis; production and staging have none. */
  readonly redis: ForgeRedisSlot | undefined;
  readonly redisSlot: pulumi.Output<number> | undefined;
  /** A preview's database filled from the master snapshot on the previews' server, verified; none elsewhere. */
  readonly databaseClone: ForgeDatabaseClone | undefined;
  readonly snapshotTakenAt: pulumi.Output<string> | undefined;
  readonly databaseSource: pulumi.Output<string> | undefined;
  /** The deploy script's backup prints to the deployment's log; no record reaches the stack's outputs. */
  readonly lastBackup = undefined;
  private readonly spec: EnvironmentSpec;
  private readonly settings: ForgeSettings;

  constructor(name: string, args: RuntimeArgs, opts?: pulumi.ComponentResourceOptions) {
    super("restant:runtime:ForgeRuntime", name, {}, opts);
    const { spec } = args;
    if (spec.runtime.kind !== "forge") throw new Error(`ForgeRuntime needs a Forge runtime, got ${spec.runtime.kind}`);
    const login = spec.database.user !== undefined && args.databasePassword !== undefined ? { user: spec.database.user, password: args.databasePassword } : undefined;
    if (login === undefined) throw new Error("ForgeRuntime needs spec.database.user (infra/spec.ts) and its password (components/app-secrets.ts)");
    this.spec = spec;
    this.settings = spec.runtime.forge;
    this.site = this.createSite(name);
    this.appName = this.site.domain;
    this.basicAuth = this.closeWithBasicAuth(name, args.basicAuth);
    this.database = this.createDatabase(name);
    this.databaseUser = this.createDatabaseUser(name, login);
    this.databaseClone = this.copySnapshot(name, spec.runtime.previewData);
    this.databaseSource = this.databaseClone?.source;
    this.snapshotTakenAt = this.databaseClone?.snapshotTakenAt.apply((takenAt) => takenAt ?? UNKNOWN_SNAPSHOT_TIME);
    this.redis = this.claimRedisSlot(name, spec.runtime.previewData);
    this.redisSlot = this.redis?.slot;
    // One .env holds every variable: the late ones (Sentry, Flagsmith keys) make it wait for those services.
    this.environmentFile = this.writeEnvironment(name, { ...args.config, ...(args.lateConfig ?? {}) }, login);
    this.queueWorker = this.startQueueWorker(name);
    this.deployment = this.deploy(name);
    this.tls = this.requestCertificate(name);
    this.registerOutputs({ siteId: this.site.siteId, redisSlot: this.redisSlot, snapshotTakenAt: this.snapshotTakenAt });
  }

  private get server() {
    return { organization: this.settings.organization, serverId: this.settings.serverId };
  }

  /** Forge keeps a site at /home/<user>/<domain>. */
  private get sitePath(): string {
    return `${this.spec.names.siteHome}/${this.spec.hostname}`;
  }

  /** A preview's repository is made with the production branch (its PR head is no branch); the deploy fetches the ref. */
  private createSite(name: string): ForgeSite {
    const { deploy, hostname, names, adopt } = this.spec;
    return new ForgeSite(
      `${name}-site`,
      {
        ...this.server,
        domain: hostname,
        webDirectory: this.settings.webDirectory,
        phpVersion: this.settings.phpVersion,
        isolatedUser: names.siteUser,
        repository: deploy.repository,
        branch: deploy.cloneFirst ?? deploy.ref,
        adopt,
      },
      { parent: this },
    );
  }

  /** Production's survives any destroy or replace; an adopted one held data before this stack and outlives it. */
  private createDatabase(name: string): ForgeDatabase {
    const { database, adopt } = this.spec;
    return new ForgeDatabase(
      `${name}-database`,
      { ...this.server, name: database.name, adopt },
      { parent: this, ...(database.retain ? { protect: true, retainOnDelete: true } : adopt ? { retainOnDelete: true } : {}) },
    );
  }

  private createDatabaseUser(name: string, login: DatabaseLogin): ForgeDatabaseUser {
    return new ForgeDatabaseUser(
      `${name}-database-user`,
      { ...this.server, name: login.user, password: login.password, databaseIds: [this.database.id] },
      { parent: this },
    );
  }

  /** The app's variables plus where its database and Redis are (infra/app-variables.ts names them): one .env, secret in state. */
  private writeEnvironment(name: string, config: Record<string, pulumi.Input<string>>, login: DatabaseLogin): ForgeEnvironmentFile {
    const { database } = this.spec;
    const databaseVariables = (password: string): Record<(typeof FORGE_DATABASE_VARIABLES)[number], string> => ({
      DB_HOST: "127.0.0.1",
      DB_PORT: "3306",
      DB_DATABASE: database.name,
      DB_USERNAME: login.user,
      DB_PASSWORD: password,
    });
    const redisVariables: Record<(typeof FORGE_REDIS_VARIABLES)[number], string> = { REDIS_HOST: "127.0.0.1", REDIS_PORT: String(this.settings.redisPort) };
    const slot: pulumi.Input<number | undefined> = this.redisSlot ?? undefined;
    const content = pulumi.all([pulumi.all(config), login.password, slot]).apply(([variables, databasePassword, claimed]) =>
      dotenv({
        ...variables,
        ...databaseVariables(databasePassword),
        ...redisVariables,
        // A branch or preview on the previews' server: its own logical database there (keys also carry its REDIS_PREFIX).
        ...(claimed !== undefined ? slotConfig(claimed) : {}),
      }),
    );
    return new ForgeEnvironmentFile(
      `${name}-env`,
      { ...this.server, siteId: this.site.id, content: pulumi.secret(content) },
      { parent: this, dependsOn: [this.databaseUser] },
    );
  }

  /**
   * A preview's data: the master snapshot on the previews' server copied into the database Forge made, over SSH,
   * verified table by table (components/forge/database-clone-provider.ts). Branches start empty, like on Dokku.
   */
  private copySnapshot(name: string, previewData: ForgePreviewDataSpec | undefined): ForgeDatabaseClone | undefined {
    const { database } = this.spec;
    if (previewData?.snapshotDatabase === undefined || database.cloneFrom === undefined) return undefined;
    return new ForgeDatabaseClone(
      `${name}-database-clone`,
      { target: previewData.ssh, database: database.name, databaseId: this.database.id, snapshot: previewData.snapshotDatabase },
      { parent: this },
    );
  }

  /** A branch's or preview's logical database on the previews' server's Redis, claimed with the Dokku slots' Lua claim. */
  private claimRedisSlot(name: string, previewData: ForgePreviewDataSpec | undefined): ForgeRedisSlot | undefined {
    const { redis, names } = this.spec;
    if (previewData === undefined || redis.mode !== "slot") return undefined;
    return new ForgeRedisSlot(
      `${name}-redis-slot`,
      { target: previewData.ssh, redisPort: this.settings.redisPort, registry: redis.registry, holder: names.slug, range: redis.range },
      { parent: this },
    );
  }

  /** Laravel's queue:work under supervisor, as the site's user, as many as the spec's worker scale. */
  private startQueueWorker(name: string): ForgeBackgroundProcess | undefined {
    const { app, names } = this.spec;
    if (app.scale.worker === 0) return undefined;
    const php = this.settings.phpVersion.replace(/^php(\d)(\d+)$/, "php$1.$2");
    return new ForgeBackgroundProcess(
      `${name}-queue-worker`,
      {
        ...this.server,
        name: names.queueWorker,
        command: `${php} ${this.sitePath}/artisan queue:work redis --sleep=3 --tries=3 --max-time=3600`,
        // The site's isolated user, which Forge makes with the site (the worker waits for the .env, which waits for the site).
        user: names.siteUser,
        directory: this.sitePath,
        processes: app.scale.worker,
      },
      { parent: this, dependsOn: [this.environmentFile] },
    );
  }

  /** The commit CI validated, checked out by the deploy script; again whenever the commit or the script changes. */
  private deploy(name: string): ForgeDeployment {
    const { deploy, backup } = this.spec;
    const script = deployScript({
      ref: deploy.ref,
      ...(deploy.commit !== undefined ? { commit: deploy.commit } : {}),
      additions: this.settings.deployScript,
      ...(backup ? { backup: backupStep({ directory: backup.directory, keep: backup.keep }) } : {}),
    });
    return new ForgeDeployment(
      `${name}-deploy`,
      { ...this.server, siteId: this.site.id, script, revision: deploy.commit ?? deploy.ref },
      {
        parent: this,
        // A preview's migrations run on its copy of the snapshot, so the deploy waits for the copy.
        dependsOn: [this.environmentFile, ...(this.queueWorker ? [this.queueWorker] : []), ...(this.basicAuth ? [this.basicAuth] : []), ...(this.databaseClone ? [this.databaseClone] : [])],
      },
    );
  }

  /** Forge's security rule over the whole site, before the first deploy puts the app's code behind it. */
  private closeWithBasicAuth(name: string, basicAuth: RuntimeArgs["basicAuth"]): ForgeSecurityRule | undefined {
    if (!basicAuth) return undefined;
    return new ForgeSecurityRule(
      `${name}-basic-auth`,
      { ...this.server, siteId: this.site.id, domain: this.spec.hostname, name: this.spec.names.app, user: basicAuth.user, password: basicAuth.password },
      { parent: this },
    );
  }

  private requestCertificate(name: string): ForgeCertificate {
    return new ForgeCertificate(
      `${name}-tls`,
      { ...this.server, siteId: this.site.id, domain: this.spec.hostname },
      { parent: this, dependsOn: [this.deployment] },
    );
  }
}
