import type * as command from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";
import type { EnvironmentSpec } from "../infra/spec";
import { AppVariables, DokkuApp } from "./dokku/app";
import { HttpAuth, LetsEncrypt } from "./dokku/access";
import { MysqlLink, MysqlService, UNKNOWN_SNAPSHOT_TIME } from "./dokku/mysql";
import { RedisLink, RedisSlot } from "./dokku/redis";
import { dokkuCommandLine, type DokkuTarget } from "./dokku/client";
import { backupScript, serverCommand, WILDCARD_CERTS_PATH, shellWord } from "./dokku/server";
import type { BackupRecord, EnvironmentRuntime, RuntimeArgs } from "./runtime/environment-runtime";

/** The runtime's arguments (components/runtime); `spec.runtime` must be Dokku. */
export type DokkuRuntimeArgs = RuntimeArgs;

/**
 * The environment on a Dokku server, in the order Dokku needs: the app (domain, config, process scale with its queue
 * workers), its database and Redis slot linked to it, basic auth for previews, the deploy of the environment's git
 * ref, then TLS (HTTP-01 needs the domain served by a deployed app).
 */
export class DokkuRuntime extends pulumi.ComponentResource implements EnvironmentRuntime {
  readonly app: DokkuApp;
  /** Variables other services create (Sentry DSN, Flagsmith key), set beside the app so its creation never waits. */
  readonly lateVariables: AppVariables | undefined;
  readonly database: MysqlService;
  /** The environment's own service, kept unlinked beside a restored one the app uses (restant:databaseService). */
  keptDatabase: MysqlService | undefined;
  /** A clone's link to the app, a step of its own so the clone need not wait for the app (previews). */
  readonly databaseLink: MysqlLink | undefined;
  /** A slot on the non-production Redis (branches, previews), or the link to the environment's own service. */
  readonly redis: RedisSlot | RedisLink;
  readonly basicAuth: HttpAuth | undefined;
  /** The verified database backup that runs before each deploy (production; staging when configured). */
  readonly backup: command.remote.Command | undefined;
  /** Where the last backup is and its size: `{ id, path, bytes, tables }`; undefined without backups. */
  readonly lastBackup: pulumi.Output<BackupRecord | undefined> | undefined;
  readonly deployment: command.remote.Command;
  readonly tls: LetsEncrypt | command.remote.Command;
  readonly appName: pulumi.Output<string>;
  readonly redisSlot: pulumi.Output<number> | undefined;
  readonly snapshotTakenAt: pulumi.Output<string> | undefined;
  readonly databaseSource: pulumi.Output<string>;
  private readonly spec: EnvironmentSpec;
  private readonly target: DokkuTarget;

  constructor(name: string, args: DokkuRuntimeArgs, opts?: pulumi.ComponentResourceOptions) {
    super("restant:runtime:DokkuRuntime", name, {}, opts);
    const { spec } = args;
    if (spec.runtime.kind !== "dokku") throw new Error(`DokkuRuntime needs a Dokku runtime, got ${spec.runtime.kind}`);
    const { host, port, user, hostKey } = spec.runtime.dokku;
    this.spec = spec;
    this.target = { host, port, user, hostKey };
    const lateConfig = args.lateConfig ?? {};
    this.app = this.createApp(name, args, Object.keys(lateConfig));
    this.lateVariables = this.setLateVariables(name, lateConfig);
    this.appName = this.app.appName;
    this.database = this.createDatabase(name);
    this.databaseSource = this.database.source;
    this.databaseLink = this.linkClonedDatabase(name);
    this.snapshotTakenAt = this.snapshotTimeOfClone();
    this.redis = this.attachRedis(name);
    this.basicAuth = this.closeWithBasicAuth(name, args.basicAuth);
    this.backup = this.backUpDatabase(name);
    this.lastBackup = this.backup ? backupRecordOf(this.backup) : undefined;
    this.deployment = this.deploy(name);
    this.tls = this.enableTls(name);
    this.redisSlot = this.redis instanceof RedisSlot ? this.redis.slot : undefined;
    this.registerOutputs({ redisSlot: this.redisSlot });
  }

  private createApp(name: string, { config, keepOnServer, restartedByDeploy }: DokkuRuntimeArgs, setElsewhere: string[]): DokkuApp {
    return new DokkuApp(
      `${name}-app`,
      {
        target: this.target,
        appName: this.spec.names.app,
        domains: [this.spec.hostname],
        config,
        // `worker` runs Laravel's queue:work; the count per kind comes from the spec.
        scale: this.spec.app.scale,
        adopt: this.spec.adopt,
        ...(keepOnServer ? { keepOnServer } : {}),
        // The deploy runs again exactly when the commit (so SENTRY_RELEASE) changes, and it restarts the app.
        ...(restartedByDeploy ? { restartedByDeploy } : {}),
        ...(setElsewhere.length > 0 ? { setElsewhere } : {}),
      },
      { parent: this },
    );
  }

  /** Once both the app and the services that make these values exist; the deploy waits for it, nothing else does. */
  private setLateVariables(name: string, lateConfig: Record<string, pulumi.Input<string>>): AppVariables | undefined {
    if (Object.keys(lateConfig).length === 0) return undefined;
    return new AppVariables(`${name}-app-variables`, { target: this.target, app: this.app.appName, variables: lateConfig }, { parent: this });
  }

  /**
   * Previews take a member of the platform's warm pool (claimed atomically, already cloned and verified) or, when the
   * pool is empty, clone the master snapshot (verified); by name alone, so neither waits for the app. The others
   * create (or adopt) a service linked to the app. Production's survives any destroy or replace.
   */
  private createDatabase(name: string): MysqlService {
    const { database, names } = this.spec;
    if (database.kept !== undefined) return this.useRestoredDatabase(name, database.kept);
    return new MysqlService(
      `${name}-database`,
      {
        target: this.target,
        service: database.name,
        ...(database.cloneFrom === undefined ? { app: this.app.appName } : {}),
        ...(database.cloneFrom !== undefined ? { cloneFrom: database.cloneFrom } : {}),
        ...(database.cloneFrom !== undefined && database.pool !== undefined ? { pool: { ...database.pool, holder: names.slug, app: names.app } } : {}),
        ...(this.spec.adopt ? { adopt: true } : {}),
      },
      // An adopted service held data before this stack existed: it outlives the stack too.
      { parent: this, ...(database.retain ? { protect: true, retainOnDelete: true } : this.spec.adopt ? { retainOnDelete: true } : {}) },
    );
  }

  /**
   * After `npm run restore --yes` (restant:databaseService): the environment's own service stays declared under its
   * old resource name, unlinked, so no up replaces or destroys it; the restored service (made by the restore, so
   * adopted) is linked to the app under a resource of its own. Both are kept like production's data: retained always,
   * protected where the spec retains.
   */
  private useRestoredDatabase(name: string, kept: string): MysqlService {
    const { database } = this.spec;
    const keep = { parent: this, retainOnDelete: true, ...(database.retain ? { protect: true } : {}) };
    this.keptDatabase = new MysqlService(`${name}-database`, { target: this.target, service: kept, adopt: true }, keep);
    return new MysqlService(
      `${name}-database-${database.name}`,
      { target: this.target, service: database.name, app: this.app.appName, adopt: true },
      { ...keep, dependsOn: [this.keptDatabase] },
    );
  }

  /** A clone says when its data was taken, as its snapshot recorded it, or plainly that it is unknown. */
  private snapshotTimeOfClone(): pulumi.Output<string> | undefined {
    if (this.spec.database.cloneFrom === undefined) return undefined;
    return this.database.snapshotTakenAt.apply((takenAt) => takenAt ?? UNKNOWN_SNAPSHOT_TIME);
  }

  /** A clone is linked once both it and the app exist. */
  private linkClonedDatabase(name: string): MysqlLink | undefined {
    if (this.spec.database.cloneFrom === undefined) return undefined;
    // The service in use: a claimed pool member keeps its own name (dokku-mysql cannot rename a service).
    return new MysqlLink(
      `${name}-database-link`,
      { target: this.target, service: this.database.serviceInUse, app: this.app.appName },
      // Explicit: the link needs the service made even where its name is not known yet (a plan, a preview).
      { parent: this, dependsOn: [this.database] },
    );
  }

  /**
   * Production and staging link their own service (`-redis`; their slot on the old shared Redis, `-redis-slot`, is
   * retired: docs/redis.md); branches and previews claim a slot on the non-production service.
   */
  private attachRedis(name: string): RedisSlot | RedisLink {
    const { redis, names } = this.spec;
    if (redis.mode === "own") {
      return new RedisLink(`${name}-redis`, { target: this.target, service: redis.service, app: this.app.appName }, { parent: this });
    }
    return new RedisSlot(
      `${name}-redis-slot`,
      { target: this.target, service: redis.service, registry: redis.registry, holder: names.slug, range: redis.range, app: this.app.appName },
      { parent: this },
    );
  }

  private closeWithBasicAuth(name: string, basicAuth: DokkuRuntimeArgs["basicAuth"]): HttpAuth | undefined {
    if (!basicAuth) return undefined;
    return new HttpAuth(
      `${name}-basic-auth`,
      { target: this.target, app: this.app.appName, user: basicAuth.user, password: basicAuth.password },
      { parent: this },
    );
  }

  /**
   * `git:sync --build` of the environment's commit (CI's `restant:commit`), again exactly when the commit (or where it
   * is fetched from) changes. Dokku's deploy runs the app's health checks before it switches traffic and exits non-zero
   * when they fail, so a failed check fails the update while the old containers keep serving. An adopted app builds
   * only if the commit brings other code (`--build-if-changes`): taking over an app already running that commit
   * restarts nothing. Not for every deploy: git:sync keeps a fetched ref even when its build fails, so a retry of the
   * same commit would skip the build.
   */
  private deploy(name: string): command.remote.Command {
    const { deploy, names, adopt } = this.spec;
    const source = this.cloneSource(name);
    return serverCommand(
      `${name}-deploy`,
      {
        target: this.target,
        create: dokkuCommandLine(
          ["git:sync", adopt ? "--build-if-changes" : "--build", names.app, deploy.repository, deploy.commit ?? deploy.ref],
          this.target.user,
        ),
        triggers: [deploy.repository, deploy.ref, deploy.commit ?? ""],
      },
      {
        parent: this,
        dependsOn: [
          this.app,
          ...(this.lateVariables ? [this.lateVariables] : []),
          this.database,
          ...(this.databaseLink ? [this.databaseLink] : []),
          this.redis,
          ...(this.basicAuth ? [this.basicAuth] : []),
          ...(source ? [source] : []),
          ...(this.backup ? [this.backup] : []),
        ],
      },
    );
  }

  /**
   * Before each deploy (the same triggers), a verified backup of the database as root (backup-script.ts): when it
   * fails, the deploy that depends on it never starts. Migrations run on deploy, so this is the copy to go back to.
   */
  private backUpDatabase(name: string): command.remote.Command | undefined {
    const { backup, deploy } = this.spec;
    if (!backup) return undefined;
    return serverCommand(
      `${name}-backup`,
      {
        target: this.target,
        user: "root",
        create: "sh -s",
        stdin: backupScript(backup),
        triggers: [deploy.repository, deploy.ref, deploy.commit ?? ""],
      },
      { parent: this, dependsOn: [this.database] },
    );
  }

  /**
   * A preview's first `git:sync` clones, and a clone holds only branches and tags: a fork's commit lives under
   * `refs/pull/<n>/head` alone. Cloning a branch of this repository first makes every deploy a fetch, which Dokku
   * does as a mirror fetch (every ref, `refs/pull/*` included), so the deploy can check out the PR's commit.
   */
  private cloneSource(name: string): command.remote.Command | undefined {
    const { deploy, names } = this.spec;
    if (deploy.cloneFirst === undefined) return undefined;
    return serverCommand(
      `${name}-source`,
      {
        target: this.target,
        create: dokkuCommandLine(["git:sync", names.app, deploy.repository, deploy.cloneFirst], this.target.user),
        triggers: [deploy.repository],
      },
      { parent: this, dependsOn: [this.app] },
    );
  }

  private enableTls(name: string): LetsEncrypt | command.remote.Command {
    const { tls, names, hostname } = this.spec;
    if (tls.mode === "wildcard") {
      // The platform stack installed the script and holds the certificate; it needs root, which Dokku's forced command is not.
      return serverCommand(
        `${name}-tls`,
        { target: this.target, user: "root", create: `${WILDCARD_CERTS_PATH} ${shellWord(names.app)}`, triggers: [hostname] },
        // certs:add needs the app, not a release: installed beside the deploy, the preview is ready when the deploy is.
        { parent: this, dependsOn: [this.app] },
      );
    }
    if (tls.email === undefined) throw new Error("internal: a per-host certificate needs restant:tls.email, which kindRuleProblems requires");
    return new LetsEncrypt(
      `${name}-tls`,
      { target: this.target, app: this.app.appName, domains: [hostname], email: tls.email },
      { parent: this, dependsOn: [this.deployment] },
    );
  }
}

/**
 * The backup's record, from the command's stdout (secret as all remote output is; this line holds no secret, so it
 * is unwrapped for the stack output). Undefined when the output has no record line (the offline plan's made-up output).
 */
function backupRecordOf(backup: command.remote.Command): pulumi.Output<BackupRecord | undefined> {
  return pulumi.unsecret(backup.stdout.apply((stdout) => parseBackupRecord(stdout ?? "")));
}

export function parseBackupRecord(stdout: string): BackupRecord | undefined {
  const last = stdout.trim().split("\n").pop() ?? "";
  try {
    const record = JSON.parse(last) as Partial<BackupRecord>;
    if (typeof record.id === "string" && typeof record.path === "string" && typeof record.bytes === "number") return record as BackupRecord;
  } catch {
    // not the record line
  }
  return undefined;
}
