import { createHash } from "node:crypto";
import type * as command from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";
import { PREVIEW_DOKKU_APP_PATTERN } from "../infra/names";
import type { PlatformSpec } from "../infra/spec";
import { dokkuCommandLine, type DokkuTarget } from "./dokku/client";
import { MysqlService } from "./dokku/mysql";
import { RedisService } from "./dokku/redis";
import {
  cronInstallScript,
  cronRemoveScript,
  POOL_REFILL_CRON,
  POOL_REFILL_PATH,
  poolRefillScript,
  serverCommand,
  SNAPSHOT_REFRESH_CRON,
  SNAPSHOT_REFRESH_PATH,
  snapshotRefreshScript,
  WILDCARD_CERTS_CRON,
  WILDCARD_CERTS_PATH,
  wildcardCertsScript,
} from "./dokku/server";

export interface DokkuPlatformArgs {
  /** The platform stack's spec (infra/spec.ts); its runtime must be Dokku. */
  spec: PlatformSpec;
}

/** Redis's own default: an environment's own service needs only Laravel's default and cache databases (0, 1). */
const OWN_REDIS_DATABASES = 16;

/**
 * What every environment on the Dokku server shares: the non-production Redis with a database per slot (and
 * production's and staging's own Redis services), the master snapshot previews
 * clone and its weekly refresh from production, Let's Encrypt's account e-mail, and (when previews use it) the DNS-01
 * wildcard certificate. The snapshot is protected and retained like production's data: previews depend on it.
 */
export class DokkuPlatform extends pulumi.ComponentResource {
  /** The non-production Redis branches and previews claim slots on. */
  readonly redis: RedisService;
  /** Production's and staging's own Redis services, each with its own password. */
  readonly ownRedis: RedisService[];
  readonly snapshot: MysqlService;
  readonly snapshotRefresh: command.remote.Command;
  /** The warm pool's refill job (cron on the server); absent when restant:database.poolSize is 0. */
  readonly poolRefill: command.remote.Command | undefined;
  readonly letsEncryptEmail: command.remote.Command | undefined;
  readonly wildcardCertificate: command.remote.Command | undefined;
  private readonly spec: PlatformSpec;
  private readonly target: DokkuTarget;

  constructor(name: string, args: DokkuPlatformArgs, opts?: pulumi.ComponentResourceOptions) {
    super("restant:platform:DokkuPlatform", name, {}, opts);
    const runtime = args.spec.runtime;
    if (runtime?.kind !== "dokku") throw new Error("DokkuPlatform needs restant:dokku in the platform stack");
    const { host, port, user, hostKey } = runtime.dokku;
    this.spec = args.spec;
    this.target = { host, port, user, hostKey };
    this.redis = this.createPreviewsRedis(name);
    this.ownRedis = this.createOwnRedis(name);
    this.snapshot = this.createSnapshot(name);
    this.snapshotRefresh = this.scheduleSnapshotRefresh(name);
    this.poolRefill = this.schedulePoolRefill(name);
    this.letsEncryptEmail = this.setLetsEncryptEmail(name);
    this.wildcardCertificate = this.createWildcardCertificate(name);
    this.registerOutputs({});
  }

  private createPreviewsRedis(name: string): RedisService {
    const { redis } = this.spec;
    return new RedisService(`${name}-redis`, { target: this.target, service: redis.service, databases: redis.databases }, { parent: this, protect: true });
  }

  /** One service per environment that owns one: nothing a branch or preview links can read its data or password. */
  private createOwnRedis(name: string): RedisService[] {
    return this.spec.ownRedis.map(
      ({ kind, service }) =>
        new RedisService(`${name}-redis-${kind}`, { target: this.target, service, databases: OWN_REDIS_DATABASES }, { parent: this, protect: true }),
    );
  }

  private createSnapshot(name: string): MysqlService {
    return new MysqlService(
      `${name}-snapshot`,
      { target: this.target, service: this.spec.snapshot.service },
      { parent: this, protect: true, retainOnDelete: true },
    );
  }

  /** A cron file on the server runs the generated refresh script; installing it needs root. */
  private scheduleSnapshotRefresh(name: string): command.remote.Command {
    const { snapshot } = this.spec;
    const script = snapshotRefreshScript({ source: snapshot.source, snapshot: snapshot.service, masking: snapshot.masking });
    const install = cronInstallScript({
      path: SNAPSHOT_REFRESH_PATH,
      script,
      cronPath: SNAPSHOT_REFRESH_CRON,
      schedule: snapshot.schedule,
      log: "/var/log/restant-snapshot-refresh.log",
    });
    return serverCommand(
      `${name}-snapshot-refresh`,
      {
        target: this.target,
        user: "root",
        create: "sh -s",
        stdin: install,
        delete: cronRemoveScript({ path: SNAPSHOT_REFRESH_PATH, cronPath: SNAPSHOT_REFRESH_CRON }),
        triggers: [fingerprint(install)],
      },
      { parent: this, dependsOn: [this.snapshot] },
    );
  }

  /**
   * The warm pool of preview databases: a cron file runs the generated refill script every few minutes (clones of
   * the masked snapshot only, verified before a preview can claim them; stale ones retired after each refresh).
   */
  private schedulePoolRefill(name: string): command.remote.Command | undefined {
    const { pool, snapshot } = this.spec;
    if (pool === undefined) return undefined;
    const script = poolRefillScript({
      snapshot: snapshot.service,
      size: pool.size,
      prefix: pool.prefix,
      memberPattern: pool.memberPattern,
      registry: pool.registry,
      redisService: pool.redisService,
    });
    const install = cronInstallScript({ path: POOL_REFILL_PATH, script, cronPath: POOL_REFILL_CRON, schedule: pool.schedule, log: "/var/log/restant-pool-refill.log" });
    return serverCommand(
      `${name}-pool-refill`,
      {
        target: this.target,
        user: "root",
        create: "sh -s",
        stdin: install,
        delete: cronRemoveScript({ path: POOL_REFILL_PATH, cronPath: POOL_REFILL_CRON }),
        triggers: [fingerprint(install)],
      },
      { parent: this, dependsOn: [this.snapshot, this.redis] },
    );
  }

  private setLetsEncryptEmail(name: string): command.remote.Command | undefined {
    const { email } = this.spec.tls;
    if (email === undefined) return undefined;
    return serverCommand(
      `${name}-letsencrypt-email`,
      {
        target: this.target,
        create: dokkuCommandLine(["letsencrypt:set", "--global", "email", email], this.target.user),
        triggers: [email],
      },
      { parent: this },
    );
  }

  /** One DNS-01 wildcard for all previews, so they never spend Let's Encrypt's 50 certificates a week. */
  private createWildcardCertificate(name: string): command.remote.Command | undefined {
    const { wildcard } = this.spec.tls;
    if (wildcard === undefined) return undefined;
    const script = wildcardCertsScript({ ...wildcard, previewAppPattern: PREVIEW_DOKKU_APP_PATTERN });
    const install = cronInstallScript({
      path: WILDCARD_CERTS_PATH,
      script,
      cronPath: WILDCARD_CERTS_CRON,
      schedule: "41 4 * * *",
      log: "/var/log/restant-wildcard-certs.log",
    });
    return serverCommand(
      `${name}-wildcard-certificate`,
      {
        target: this.target,
        user: "root",
        // Install, then run once: the holder app gets its certificate now, not at the first cron run.
        create: `sh -s && ${WILDCARD_CERTS_PATH}`,
        stdin: install,
        delete: cronRemoveScript({ path: WILDCARD_CERTS_PATH, cronPath: WILDCARD_CERTS_CRON }),
        triggers: [fingerprint(install)],
      },
      { parent: this, dependsOn: this.letsEncryptEmail ? [this.letsEncryptEmail] : [] },
    );
  }
}

/** A short, stable stand-in for a script in `triggers`: the script itself already travels on stdin. */
function fingerprint(text: string): string {
  return createHash("sha256").update(text).digest("hex").slice(0, 16);
}
