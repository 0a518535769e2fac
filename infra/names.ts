import { createHash } from "node:crypto";

/**
 * Every name an environment uses on the outside, derived once from its slug. Each is valid for the system that holds
 * it, and two different slugs never share a name: whenever sanitizing or truncating changes a name, a hash of the
 * original is appended, and a name that was kept as it is never ends like a hashed one.
 */
export interface EnvironmentNames {
  /** DNS label and the environment's short name: `main`, `staging`, `feature-checkout-v2-1a2b3c4d`, `pr-7`. */
  slug: string;
  /**
   * The app's name on its runtime and in monitoring and Sentry: the Dokku app, the Forge site's name
   * (`^[a-z0-9][a-z0-9.-]*$`): `restant-<slug>`.
   */
  app: string;
  /** dokku-mysql service: `restant-<slug>`, at most 63 characters. */
  mysqlService: string;
  /** The Linux user a Forge site runs as (an isolated site): `restant-<slug>`, at most 32 characters. */
  siteUser: string;
  /** That user's home on a Forge server, where Forge keeps the site and the deploy's backups: `/home/<siteUser>`. */
  siteHome: string;
  /** A Forge site's queue worker (a background process), unique on its server: `<app>-queue`. */
  queueWorker: string;
  /** MySQL database, at most 64 characters of `[a-z0-9_]`. */
  mysqlDatabase: string;
  /** MySQL user, at most 32 characters of `[a-z0-9_]`. */
  mysqlUser: string;
  /**
   * dokku-redis service of an environment that owns one (production, staging): `restant-<slug>`, at most 63
   * characters. Branches and previews own none: they claim a slot on the non-production Redis.
   */
  redisService: string;
  /** Prefix of every Redis key the app writes: `restant:<slug>:`. */
  redisKeyPrefix: string;
  /** Sentry environment: at most 64 characters, no `/`, no spaces. */
  sentryEnvironment: string;
  /** Flagsmith environment name, unique in the project. */
  flagsmithEnvironment: string;
}

/** Slugs are DNS labels, kept well under 63 so `restant-<slug>` and friends still fit their systems. */
export const MAX_SLUG_LENGTH = 40;

/**
 * The user name of a preview's basic auth, which its PR comment tells reviewers; the password is the team's
 * (`restant:previewPassword`) or generated per preview.
 */
export const BASIC_AUTH_USER = "restant";
const HASH_LENGTH = 8;
const HASHED_TAIL = new RegExp(`-[0-9a-f]{${HASH_LENGTH}}$`);
const CLEAN_SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
/** Slugs only stacks of other kinds may have: a branch called `production` or `pr-7` gets a hashed slug. */
const RESERVED_SLUG = /^(?:production|platform|pr-\d+)$/;

/** A short, stable fingerprint of the original text. */
export function shortHash(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex").slice(0, HASH_LENGTH);
}

/**
 * The slug of a branch: kept as it is when it already is a clean DNS label (`staging` → `staging`), otherwise
 * lower-cased, every run of other characters made one `-`, trimmed, cut to fit, and suffixed with a hash of the
 * branch name as given, so `Feature/X` and `feature-x` stay apart.
 */
export function slugForBranch(branch: string): string {
  if (branch.length === 0) throw new Error("a branch name cannot be empty");
  const isClean =
    CLEAN_SLUG.test(branch) && branch.length <= MAX_SLUG_LENGTH && !HASHED_TAIL.test(branch) && !RESERVED_SLUG.test(branch);
  if (isClean) return branch;
  const stem = branch
    .normalize("NFKD")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .slice(0, MAX_SLUG_LENGTH - HASH_LENGTH - 1)
    .replace(/^-+|-+$/g, "");
  return stem.length > 0 ? `${stem}-${shortHash(branch)}` : `b-${shortHash(branch)}`;
}

/** The slug of a pull request's preview. */
export function slugForPullRequest(pr: number): string {
  if (!Number.isSafeInteger(pr) || pr < 1) throw new Error(`a pull request number must be a positive whole number, got ${pr}`);
  return `pr-${pr}`;
}

/** `name` if it fits in `max` characters, else its head and a hash of the whole, joined by `separator`. */
export function fitName(name: string, max: number, separator: "-" | "_"): string {
  if (name.length <= max) return name;
  const head = name.slice(0, max - HASH_LENGTH - 1).replace(/[-_.]+$/, "");
  return `${head}${separator}${shortHash(name)}`;
}

export function namesForSlug(slug: string): EnvironmentNames {
  const underscored = slug.replace(/-/g, "_");
  const siteUser = fitName(`restant-${slug}`, 32, "-");
  return {
    slug,
    app: `restant-${slug}`,
    mysqlService: fitName(`restant-${slug}`, 63, "-"),
    siteUser,
    siteHome: `/home/${siteUser}`,
    queueWorker: `restant-${slug}-queue`,
    mysqlDatabase: fitName(`restant_${underscored}`, 64, "_"),
    mysqlUser: fitName(`restant_${underscored}`, 32, "_"),
    redisService: fitName(`restant-${slug}`, 63, "-"),
    redisKeyPrefix: `restant:${slug}:`,
    sentryEnvironment: slug,
    flagsmithEnvironment: slug,
  };
}

/**
 * Every preview's app name and no other (an extended regular expression, for `grep -E` on the server): the
 * `app` namesForSlug derives from slugForPullRequest. Branch slugs never look like `pr-<n>` (RESERVED_SLUG).
 */
export const PREVIEW_DOKKU_APP_PATTERN = "^restant-pr-[0-9]+$";

/**
 * Every preview's MySQL database and no other (an extended regular expression): the `mysqlDatabase` namesForSlug
 * derives from slugForPullRequest. The Forge snapshot copy fills and empties only databases it matches.
 */
export const PREVIEW_MYSQL_DATABASE_PATTERN = "^restant_pr_[0-9]+$";

/**
 * The master snapshot as a MySQL database on a Forge server (`restant:database.snapshotService` with `_` for `-`:
 * Forge names databases with a-z, 0-9 and _ only).
 */
export function snapshotDatabaseName(snapshotService: string): string {
  return snapshotService.toLowerCase().replace(/[^a-z0-9_]/g, "_").slice(0, 64);
}

/** The hash on the non-production Redis (database 0) that records which environment holds which logical database. */
export const REDIS_SLOT_REGISTRY = "restant:redis-slots";

/**
 * The hash on the non-production Redis (database 0) that records the warm pool of preview databases: member service
 * name → `{ state: filling | ready | claimed, generation, holder }`.
 */
export const MYSQL_POOL_REGISTRY = "restant:mysql-pool";

/**
 * Warm pool members are dokku-mysql services cloned from the snapshot before any preview asks: dokku-mysql cannot
 * rename a service, so a member keeps its own name for life, `<snapshot>-pool-<UTC time>-<4 hex>` (made on the server
 * by the refill job), and a preview that claims one links it under that name. The prefix and the pattern every
 * member name matches (an extended regular expression, for `grep -E` on the server and for the policies).
 */
export function poolMemberPrefix(snapshotService: string): string {
  return `${snapshotService}-pool-`;
}

export function poolMemberPattern(snapshotService: string): string {
  // dokku-mysql service names are [A-Za-z0-9_-]: nothing in them is special to a regular expression.
  return `^${snapshotService}-pool-[0-9]{14}-[0-9a-f]{4}$`;
}

/**
 * The dokku-mysql service a backup (`20261128T220000Z`) of `live` is restored into (`npm run restore`): the live
 * service's name, `-r`, the id in lower case; never the live service's name.
 */
export function restoredMysqlService(live: string, backupId: string): string {
  return `${live}-r${backupId.toLowerCase()}`.slice(0, 63);
}

/** Whether `service` is the environment's own database service or one a backup of it was restored into. */
export function isOwnMysqlService(names: Pick<EnvironmentNames, "mysqlService">, service: string): boolean {
  if (service === names.mysqlService) return true;
  const id = service.slice(`${names.mysqlService}-r`.length).toUpperCase();
  return /^\d{8}T\d{6}Z$/.test(id) && restoredMysqlService(names.mysqlService, id) === service;
}

/** Fills a hostname template (`restant.{slug}.{zone}`). */
export function hostnameFor(template: string, slug: string, zone: string): string {
  return template.replace(/\{slug\}/g, slug).replace(/\{zone\}/g, zone);
}
