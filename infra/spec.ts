import { DEFAULT_BRANCH, hostnameTemplateOf, PLAIN_GIT_REF, productionAddresses, slugOf } from "./config/kind-rules";
import { parseStackConfig } from "./config/parse";
import type { ConfigSource } from "./config/problems";
import type { DokkuSettings, EnvironmentKind, ForgeSettings, GrafanaSettings, StackConfig } from "./config/schema";
import { type MaskingRules, loadMaskingRules } from "./config/masking-rules";
import { type EnvironmentNames, hostnameFor, snapshotDatabaseName, MYSQL_POOL_REGISTRY, poolMemberPattern, poolMemberPrefix, namesForSlug, REDIS_SLOT_REGISTRY, slugForBranch } from "./names";

/**
 * Where the app runs: a Dokku app over SSH, or a Forge site. A branch or preview on Forge runs on the previews' own
 * server (`forge` is then that server's: its id and addresses), with `previewData` saying how to reach it over SSH.
 */
export type RuntimeSpec = { kind: "dokku"; dokku: DokkuSettings } | { kind: "forge"; forge: ForgeSettings; previewData?: ForgePreviewDataSpec };

/** A branch's or preview's data on the previews' Forge server: its Redis slot and (previews) the snapshot copy. */
export interface ForgePreviewDataSpec {
  /** The previews' server over SSH as Forge's `forge` user (restant:forge.previews.ssh). */
  ssh: { host: string; port: number; user: "forge"; hostKey: string };
  /** The server production and staging run on (restant:forge.serverId): nothing of a branch or preview may use it. */
  guardedServerId: number;
  /** That server's addresses (restant:forge.ipv4, ipv6): no SSH target of a branch's or preview's data may be one. */
  guardedAddresses: string[];
  /** Previews: the master snapshot's database on the previews' server (infra/names.ts snapshotDatabaseName). */
  snapshotDatabase?: string;
}


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
  /** `url` plus the app's health path: what the synthetic check and the post-deploy check request. */
  healthUrl: string;
  runtime: RuntimeSpec;
  dns: {
    /** IPv4 address of the runtime host. */
    ipv4: string;
    ipv6?: string;
    proxied: boolean;
    ttl: number;
    /** An Advanced Certificate covers hostnames deeper than one level below the zone (the DNS proxy depth policy reads it). */
    advancedCertificate: boolean;
  };
  app: {
    /** Laravel APP_ENV. */
    env: EnvironmentKind;
    debug: boolean;
    logChannel: string;
    scale: { web: number; worker: number };
    /** The path that answers 200 when the app is healthy: the synthetic check, the alert and the post-deploy check use it. */
    healthPath: string;
  };
  /** Previews are closed to the public behind HTTP basic auth. */
  basicAuth: boolean;
  /**
   * Take over what already runs under the derived names (production and staging only): the first `up` reads the
   * existing Dokku app, MySQL service, Redis link and Flagsmith environment and changes only what differs.
   */
  adopt: boolean;
  /** A Sentry client key (DSN) for the app. Absent when the stack configures no Sentry. */
  sentry?: { organization: string; project: string; keyName: string; tracesSampleRate: number };
  /** The environment's own Flagsmith environment; a preview's starts as a clone of staging's. */
  flagsmith?: { project: number; apiUrl: string; environmentName: string; cloneFrom?: string; adopt?: boolean };
  /** Grafana alert rules and a synthetic check of the health path; only production pages. */
  monitoring?: {
    folderUid: string;
    datasourceUid: string;
    ruleGroupName: string;
    checkJob: string;
    healthUrl: string;
    probes: number[];
    contactPoint: string;
    pages: boolean;
    errorRateQuery: string;
    errorRateThreshold: number;
    /** How long the health check must fail before the alert fires. */
    downFor: string;
  };
  /**
   * The environment's database, given to the app: previews a verified clone of the master snapshot, the others empty.
   * `name` is what the runtime calls it (Dokku: the dokku-mysql service `names.mysqlService`; Forge: the MySQL
   * database `names.mysqlDatabase`). `retain`: production's is protected and survives `pulumi destroy`. `pool`: a
   * preview first claims a member of the platform's warm pool and links it under the member's own name; `name` is
   * the direct clone it falls back to when the pool is empty. `user`: the database user the runtime makes, with a
   * password the stack generates (components/app-secrets.ts): Forge's `names.mysqlUser`. Absent on Dokku, where
   * dokku-mysql makes the user and its password and hands both to the app in DATABASE_URL. After `npm run restore
   * --yes` (restant:databaseService), `name` is the service the backup was restored into and `kept` the environment's
   * own `names.mysqlService`: still declared, unlinked, kept like `name` (never destroyed by an up).
   */
  database: { name: string; kept?: string; user?: string; cloneFrom?: string; retain: boolean; pool?: WarmPoolSpec };
  /**
   * A verified backup of the database before every deploy, kept on the server (`directory`, the newest `keep`).
   * Production always; staging when `restant:backup.staging`; never branches or previews. `service` is the database
   * as the runtime names it; on Forge the directory is under the site user's home (restant:backup.directory is Dokku's).
   */
  backup?: { service: string; directory: string; keep: number };
  /**
   * Its Redis: production and staging link a service of their own (own password, nothing else on it); branches and
   * previews claim a logical database ("slot") on the non-production service, never production's or staging's.
   */
  redis: RedisSpec;
  /** Let's Encrypt for this hostname (HTTP-01), or the platform's DNS-01 wildcard certificate installed on the app. */
  /** Per host: Let's Encrypt over HTTP-01, registered with `email` (restant:tls.email; kind-rules requires it on Dokku). */
  tls: { mode: "per-host"; email?: string } | { mode: "wildcard"; holderApp: string };
  /**
   * What the app is deployed from: `git:sync --build` of `commit` (else `ref`'s head) again whenever either changes.
   * `ref` is where the commit lives: the branch, or for a preview always `refs/pull/<n>/head` (its head branch's name
   * may not exist in this repository). `commit` is the SHA CI validated (`restant:commit`), which is also the
   * app's SENTRY_RELEASE and the Sentry release CI registers. `cloneFirst`: a branch Dokku clones before the first
   * deploy, because only its later fetches (a mirror fetch) bring in `refs/pull/*`, where a fork's commits live.
   */
  deploy: { repository: string; ref: string; commit?: string; cloneFirst?: string };
  /** A GitHub deployment environment named after the stack; production requires reviewers and deploys only from main. */
  github?: {
    repository: string;
    environment: string;
    reviewers: { users: number[]; teams: number[] };
    /** Only this branch may deploy to the environment; none = any. */
    deployBranch?: string;
  };
}

/** What the platform stack shares with every environment. */
export interface PlatformSpec {
  kind: "platform";
  stack: string;
  zone: string;
  zoneId: string;
  runtime: RuntimeSpec | undefined;
  previewLimit: number;
  /** The shared Grafana folder and contact points. */
  grafana?: GrafanaSettings;
  /** The non-production dokku-redis service branches and previews claim slots on, with a database per slot. */
  redis: { service: string; databases: number };
  /** Production's and staging's own Redis services (names from infra/names.ts), each with its own password. */
  ownRedis: { kind: OwnRedisKind; service: string }[];
  /**
   * The master snapshot previews clone, refreshed from production's database on a cron schedule on the server:
   * exported into a side database of the snapshot's server, masked by `masking` (rules in the repository), and only
   * then swapped into `service`.
   */
  snapshot: { service: string; source: string; schedule: string; masking: MaskingRules };
  /**
   * The warm pool: `size` preview databases kept cloned from the snapshot and verified by a refill job on the server
   * (cron, every few minutes), recorded in `registry` on the non-production Redis `redisService`. Absent when size is 0.
   */
  pool?: WarmPoolSpec & { size: number; prefix: string; schedule: string };
  /** Let's Encrypt's account e-mail, and the wildcard certificate for previews when they use one. */
  tls: { email?: string; wildcard?: { holderApp: string; domain: string; cloudflareTokenFile: string } };
}

export type StackSpec = EnvironmentSpec | PlatformSpec;

/** Where the warm pool's members are recorded and what their names look like (infra/names.ts). */
export interface WarmPoolSpec {
  /** The registry hash (database 0 of `redisService`). */
  registry: string;
  /** The non-production dokku-redis service that holds the registry. */
  redisService: string;
  /** Every member's name matches it (an extended regular expression). */
  memberPattern: string;
}

/** How often the server's refill job tops the warm pool up and retires members older than the snapshot. */
export const POOL_REFILL_SCHEDULE = "*/5 * * * *";

function warmPoolOf(config: StackConfig): WarmPoolSpec | undefined {
  if (config.database.poolSize === 0) return undefined;
  return { registry: MYSQL_POOL_REGISTRY, redisService: config.redis.service, memberPattern: poolMemberPattern(config.database.snapshotService) };
}

/** An environment's Redis: a service of its own, or a slot claimed on the non-production service. */
export type RedisSpec =
  | { mode: "own"; service: string }
  | { mode: "slot"; service: string; registry: string; range: { first: number; last: number } };

/** The kinds that own a Redis service; every other kind claims a slot on the non-production one. */
export const OWN_REDIS_KINDS = ["production", "staging"] as const;
export type OwnRedisKind = (typeof OWN_REDIS_KINDS)[number];

/** Laravel defaults per kind; a stack's `restant:app` overrides them. */
const APP_DEFAULTS: Record<EnvironmentKind, Omit<EnvironmentSpec["app"], "healthPath">> = {
  production: { env: "production", debug: false, logChannel: "stderr", scale: { web: 2, worker: 1 } },
  staging: { env: "staging", debug: false, logChannel: "stderr", scale: { web: 1, worker: 1 } },
  branch: { env: "branch", debug: false, logChannel: "stderr", scale: { web: 1, worker: 1 } },
  preview: { env: "preview", debug: true, logChannel: "stderr", scale: { web: 1, worker: 1 } },
};

/** Laravel 11's health route (`health: '/up'` in bootstrap/app.php). */
export const DEFAULT_HEALTH_PATH = "/up";

/** SENTRY_TRACES_SAMPLE_RATE per kind, unless `restant:sentry.tracesSampleRate` says otherwise. */
const TRACES_SAMPLE_RATE: Record<EnvironmentKind, number> = { production: 0.1, staging: 0.5, branch: 0.5, preview: 1 };

/** The key `npm run restore --yes` sets to the service the app now uses. */
export const DATABASE_SERVICE_KEY = "restant:databaseService";

/** The dokku-mysql service the app uses: its own, or one restored from its backups (restant:databaseService). */
function databaseServiceOf(config: StackConfig, names: EnvironmentNames): string {
  return config.databaseService ?? names.mysqlService;
}

/** Parses a stack's raw config (throws StackConfigError listing every problem) and derives its spec. */
export function loadStackSpec(raw: Record<string, string>, source: ConfigSource): StackSpec {
  return specOf(parseStackConfig(raw, source), source.stack);
}

export function specOf(config: StackConfig, stack: string): StackSpec {
  const runtime = runtimeOf(config);
  if (config.kind === "platform") {
    return {
      kind: "platform",
      stack,
      zone: config.zone,
      zoneId: config.zoneId,
      runtime,
      previewLimit: config.previewLimit,
      ...(config.grafana ? { grafana: config.grafana } : {}),
      redis: { service: config.redis.service, databases: config.redis.databases },
      // Each from the same derivation as that environment's own stack.
      ownRedis: OWN_REDIS_KINDS.map((kind) => ({ kind, service: namesForSlug(slugForBranch(DEFAULT_BRANCH[kind]!)).redisService })),
      snapshot: {
        service: config.database.snapshotService,
        // Production's service name from the same derivation as production's own stack.
        source: namesForSlug(slugForBranch(DEFAULT_BRANCH.production!)).mysqlService,
        schedule: config.database.refreshSchedule,
        masking: loadMaskingRules(config.database.maskingRules, stack),
      },
      ...(warmPoolOf(config)
        ? { pool: { ...warmPoolOf(config)!, size: config.database.poolSize, prefix: poolMemberPrefix(config.database.snapshotService), schedule: POOL_REFILL_SCHEDULE } }
        : {}),
      tls: {
        ...(config.tls.email ? { email: config.tls.email } : {}),
        ...(config.tls.previews === "wildcard"
          ? { wildcard: { holderApp: config.tls.wildcardApp, domain: `*.${config.zone}`, cloudflareTokenFile: config.tls.cloudflareTokenFile } }
          : {}),
      },
    };
  }
  const slug = slugOf(config);
  const branch = config.branch ?? DEFAULT_BRANCH[config.kind];
  if (slug === undefined || branch === undefined || runtime === undefined) {
    throw new Error("internal: specOf called with a config that kindRuleProblems should have refused");
  }
  const hostname = hostnameFor(hostnameTemplateOf(config), slug, config.zone);
  const host = runtime.kind === "dokku" ? runtime.dokku : runtime.forge;
  const defaults = APP_DEFAULTS[config.kind];
  const names = namesForSlug(slug);
  const healthPath = config.app.healthPath ?? DEFAULT_HEALTH_PATH;
  const healthUrl = `https://${hostname}${healthPath}`;
  return {
    kind: config.kind,
    stack,
    branch,
    ...(config.pr !== undefined ? { pr: config.pr } : {}),
    names,
    zone: config.zone,
    zoneId: config.zoneId,
    hostname,
    url: `https://${hostname}`,
    healthUrl,
    runtime,
    dns: { ipv4: host.ipv4, ...(host.ipv6 ? { ipv6: host.ipv6 } : {}), proxied: config.dns.proxied, ttl: config.dns.ttl, advancedCertificate: config.dns.advancedCertificate },
    app: {
      env: defaults.env,
      debug: config.app.debug ?? defaults.debug,
      logChannel: config.app.logChannel ?? defaults.logChannel,
      scale: config.app.scale ?? defaults.scale,
      healthPath,
    },
    basicAuth: config.kind === "preview",
    adopt: config.adopt,
    database: {
      name: runtime.kind === "dokku" ? databaseServiceOf(config, names) : names.mysqlDatabase,
      ...(runtime.kind === "dokku" && databaseServiceOf(config, names) !== names.mysqlService ? { kept: names.mysqlService } : {}),
      ...(runtime.kind === "forge" ? { user: names.mysqlUser } : {}),
      ...(config.kind === "preview" ? { cloneFrom: config.database.snapshotService } : {}),
      ...(config.kind === "preview" && runtime.kind === "dokku" && warmPoolOf(config) ? { pool: warmPoolOf(config)! } : {}),
      retain: config.kind === "production",
    },
    ...(config.kind === "production" || (config.kind === "staging" && config.backup.staging)
      ? {
          backup:
            runtime.kind === "forge"
              ? // The deploy script backs up as the site's user, who can write only under its home.
                { service: names.mysqlDatabase, directory: `${names.siteHome}/backups/${names.mysqlDatabase}`, keep: config.backup.keep }
              : { service: databaseServiceOf(config, names), directory: `${config.backup.directory}/${databaseServiceOf(config, names)}`, keep: config.backup.keep },
        }
      : {}),
    redis: redisOf(config, names),
    tls:
      config.kind === "preview" && config.tls.previews === "wildcard"
        ? { mode: "wildcard", holderApp: config.tls.wildcardApp }
        : { mode: "per-host", ...(config.tls.email !== undefined ? { email: config.tls.email } : {}) },
    deploy: deployOf(config, branch),
    ...(config.sentry
      ? {
          sentry: {
            organization: config.sentry.organization,
            project: config.sentry.project,
            keyName: names.app,
            tracesSampleRate: config.sentry.tracesSampleRate ?? TRACES_SAMPLE_RATE[config.kind],
          },
        }
      : {}),
    ...(config.flagsmith
      ? {
          flagsmith: {
            project: config.flagsmith.project,
            apiUrl: config.flagsmith.apiUrl,
            environmentName: names.flagsmithEnvironment,
            ...(config.adopt ? { adopt: true } : {}),
            // Staging's Flagsmith name comes from the same derivation as staging's own stack.
            ...(config.kind === "preview" ? { cloneFrom: namesForSlug(slugForBranch(DEFAULT_BRANCH.staging!)).flagsmithEnvironment } : {}),
          },
        }
      : {}),
    ...(config.grafana ? { monitoring: monitoringOf(config.grafana, config.kind, names, healthUrl) } : {}),
    ...(config.github
      ? {
          github: {
            repository: config.github.repository,
            environment: stack,
            reviewers: config.kind === "production" ? config.github.reviewers : { users: [], teams: [] },
            ...(config.kind === "production" ? { deployBranch: branch } : {}),
          },
        }
      : {}),
  };
}

function monitoringOf(
  grafana: GrafanaSettings,
  kind: EnvironmentKind,
  names: EnvironmentNames,
  healthUrl: string,
): NonNullable<EnvironmentSpec["monitoring"]> {
  const pages = kind === "production";
  return {
    folderUid: grafana.folderUid,
    datasourceUid: grafana.datasourceUid,
    ruleGroupName: names.app,
    checkJob: `${names.app}-health`,
    healthUrl,
    probes: grafana.probes,
    contactPoint: pages ? grafana.oncallContactPoint : grafana.notifyContactPoint,
    pages,
    errorRateQuery: grafana.errorRateQuery.replace(/\{app\}/g, names.app),
    errorRateThreshold: grafana.errorRateThreshold,
    downFor: pages ? "3m" : "15m",
  };
}

/**
 * What `git:sync` deploys: the commit CI validated (`restant:commit`) fetched from its ref. A preview's ref is always its
 * pull request's head (`refs/pull/<n>/head`), never its branch by name. Without a commit (a hand-run `up`) the ref's
 * head is deployed, and a branch can then only be given to Dokku as one plain word (it splits git commands on
 * whitespace and never unquotes them): kind-rules refuses the rest.
 */
export function deployOf(config: StackConfig, branch: string): EnvironmentSpec["deploy"] {
  const commit = config.commit !== undefined ? { commit: config.commit } : {};
  if (config.kind === "preview" && config.pr !== undefined) {
    // The production branch exists in this repository by definition: Dokku clones it, then fetches the PR's commit.
    return { repository: config.gitRepository, ref: `refs/pull/${config.pr}/head`, ...commit, cloneFirst: DEFAULT_BRANCH.production! };
  }
  if (config.commit === undefined && !PLAIN_GIT_REF.test(branch)) {
    throw new Error("internal: specOf called with a branch kindRuleProblems should have refused without restant:commit");
  }
  return { repository: config.gitRepository, ref: branch, ...commit };
}

/** Production and staging link their own service; every other environment claims a slot on the non-production one. */
function redisOf(config: StackConfig, names: EnvironmentNames): RedisSpec {
  if (config.kind === "production" || config.kind === "staging") return { mode: "own", service: names.redisService };
  return { mode: "slot", service: config.redis.service, registry: REDIS_SLOT_REGISTRY, range: config.redis.claimRange };
}

function runtimeOf(config: StackConfig): RuntimeSpec | undefined {
  if (config.runtime === "forge" && config.forge) {
    const { previews, ...forge } = config.forge;
    if ((config.kind === "branch" || config.kind === "preview") && previews !== undefined) {
      const previewData: ForgePreviewDataSpec = {
        ssh: { host: previews.ssh.host, port: previews.ssh.port, user: "forge", hostKey: previews.ssh.hostKey },
        guardedServerId: forge.serverId,
        guardedAddresses: productionAddresses(forge),
        ...(config.kind === "preview" ? { snapshotDatabase: snapshotDatabaseName(config.database.snapshotService) } : {}),
      };
      const { ipv6: _productionIpv6, ...shared } = forge;
      return {
        kind: "forge",
        // Its own organization where it has one, so the token preview jobs hold cannot reach production's server.
        forge: {
          ...shared,
          organization: previews.organization ?? shared.organization,
          serverId: previews.serverId,
          ipv4: previews.ipv4,
          ...(previews.ipv6 ? { ipv6: previews.ipv6 } : {}),
          redisPort: previews.redisPort,
        },
        previewData,
      };
    }
    return { kind: "forge", forge: config.forge };
  }
  if (config.dokku) return { kind: "dokku", dokku: config.dokku };
  return undefined;
}
