import { z } from "zod";
import { cronScheduleProblem } from "./cron-schedule";
import { gitBranchNameProblem } from "./git-ref";

/**
 * The schema of every stack's `restant:*` config, one for all kinds. Each field's message says what is allowed, so
 * the error a user sees names the key, the problem and the fix. Values arrive as Pulumi config strings; objects as
 * JSON text (parsed before this schema runs).
 */

const KINDS = ["platform", "production", "staging", "branch", "preview"] as const;
export type StackKind = (typeof KINDS)[number];
export type EnvironmentKind = Exclude<StackKind, "platform">;

const DNS_NAME = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
const IPV4 = /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;
const HOST_KEY = /^(ssh-ed25519|ecdsa-sha2-nistp256|ecdsa-sha2-nistp384|ecdsa-sha2-nistp521|ssh-rsa) [A-Za-z0-9+/]+={0,3}$/;

/** Accepts `true`/`false` as Pulumi config strings or booleans from JSON objects. */
const flag = (what: string) =>
  z.union([z.boolean(), z.enum(["true", "false"]).transform((v) => v === "true")], {
    error: `must be true or false (${what})`,
  });

/** Accepts whole numbers as config strings ("7") or JSON numbers. */
const wholeNumber = (min: number, max: number, what: string) =>
  z.preprocess(
    (v) => (typeof v === "string" && /^-?\d+$/.test(v.trim()) ? Number(v) : v),
    z.number({ error: `must be a whole number from ${min} to ${max} (${what})` })
      .int({ error: `must be a whole number from ${min} to ${max} (${what})` })
      .min(min, { error: `must be at least ${min} (${what})` })
      .max(max, { error: `must be at most ${max} (${what})` }),
  );

const dnsName = (what: string) =>
  z.string({ error: `must be a lower-case DNS name such as example.com (${what})` }).regex(DNS_NAME, {
    error: `must be a lower-case DNS name such as example.com, at most 253 characters (${what})`,
  });

const ipv4 = (what: string) =>
  z.string({ error: `must be an IPv4 address such as 203.0.113.10 (${what})` }).regex(IPV4, {
    error: `must be an IPv4 address such as 203.0.113.10 (${what})`,
  });

const ipv6 = (what: string) =>
  z.string().refine((v) => v.includes(":") && /^[0-9a-fA-F:.]+$/.test(v), {
    error: `must be an IPv6 address such as 2001:db8::10 (${what})`,
  });

const processScale = z.strictObject(
  {
    web: wholeNumber(0, 20, "web processes"),
    worker: wholeNumber(0, 20, "Laravel queue:work processes"),
  },
  { error: "must be an object { web, worker } of whole numbers" },
);

export const dokkuSchema = z.strictObject(
  {
    host: z.union([dnsName("the Dokku server's SSH host"), ipv4("the Dokku server's SSH host")], {
      error: "must be the Dokku server's DNS name or IPv4 address",
    }),
    port: wholeNumber(1, 65535, "the SSH port").default(22),
    user: z.enum(["dokku", "root"], { error: 'must be "dokku" (Dokku\'s forced command) or "root"' }).default("dokku"),
    hostKey: z.string({ error: "must be the server's SSH public host key" }).regex(HOST_KEY, {
      error: 'must be the server\'s public host key as `ssh-keyscan` prints it, e.g. "ssh-ed25519 AAAA…" (no host name)',
    }),
    ipv4: ipv4("the address the DNS record points at"),
    ipv6: ipv6("the AAAA record, optional").optional(),
  },
  { error: "must be an object { host, port, user, hostKey, ipv4, ipv6? }" },
);

/** A Forge server's own Redis on 127.0.0.1, where Forge installs it: the one default for its port. */
const forgeRedisPort = wholeNumber(1, 65535, "the port of the server's own Redis on 127.0.0.1").default(6379);

/**
 * The Forge server branches and previews run on: never production's or staging's (their Redis and MySQL listen on
 * 127.0.0.1 with no password for every site user there), reached over SSH as Forge's `forge` user for the snapshot
 * copy and the Redis slot claims.
 */
export const forgePreviewServerSchema = z.strictObject(
  {
    organization: z
      .string()
      .regex(/^[a-z0-9-]+$/, { error: "must be the slug of the Forge organization the previews' server is in" })
      .optional(),
    serverId: wholeNumber(1, Number.MAX_SAFE_INTEGER, "the Forge server id of the previews' own server"),
    ipv4: ipv4("the previews' server's public address"),
    ipv6: ipv6("the AAAA record, optional").optional(),
    ssh: z.strictObject(
      {
        host: z.union([dnsName("the previews' server's SSH host"), ipv4("the previews' server's SSH host")], {
          error: "must be the previews' server's DNS name or IPv4 address",
        }),
        port: wholeNumber(1, 65535, "the SSH port").default(22),
        hostKey: z.string({ error: "must be the server's SSH public host key" }).regex(HOST_KEY, {
          error: 'must be the server\'s public host key as `ssh-keyscan` prints it, e.g. "ssh-ed25519 AAAA…" (no host name)',
        }),
      },
      { error: "must be an object { host, port?, hostKey } (the forge user's SSH login; its key is FORGE_SSH_PRIVATE_KEY)" },
    ),
    redisPort: forgeRedisPort,
  },
  { error: "must be an object { organization?, serverId, ipv4, ipv6?, ssh: { host, port?, hostKey }, redisPort? }" },
);

export const forgeSchema = z.strictObject(
  {
    organization: z.string().regex(/^[a-z0-9-]+$/, { error: "must be the Forge organization slug" }),
    serverId: wholeNumber(1, Number.MAX_SAFE_INTEGER, "the Forge server id"),
    ipv4: ipv4("the server's public address"),
    ipv6: ipv6("the AAAA record, optional").optional(),
    phpVersion: z
      .string({ error: 'must be a PHP version as Forge names it, e.g. "php84"' })
      .regex(/^php\d{2,3}$/, { error: 'must be a PHP version as Forge names it, e.g. "php84"' })
      .default("php84"),
    webDirectory: z
      .string({ error: 'must be the directory nginx serves, starting with "/", e.g. "/public"' })
      .regex(/^\/[A-Za-z0-9._/-]*$/, { error: 'must be the directory nginx serves, starting with "/", e.g. "/public"' })
      .default("/public"),
    deployScript: z
      .array(z.string().refine((line) => !line.includes("\n"), { error: "one line per entry" }), {
        error: 'must be a list of shell lines run after the standard deploy steps, e.g. ["$FORGE_PHP artisan horizon:terminate"]',
      })
      .default([]),
    /** The port of the server's own Redis (REDIS_PORT in the sites' .env). */
    redisPort: forgeRedisPort,
    /** Branches and previews: a Forge server of their own (required for them on Forge). */
    previews: forgePreviewServerSchema.optional(),
  },
  { error: "must be an object { organization, serverId, ipv4, ipv6?, phpVersion?, webDirectory?, deployScript?, redisPort?, previews? }" },
);

export const dnsSchema = z.strictObject(
  {
    proxied: flag("proxy through Cloudflare").default(false),
    ttl: z.union([z.literal(1), wholeNumber(60, 86400, "seconds")], {
      error: "must be 1 (automatic) or 60–86400 seconds",
    }).default(1),
    advancedCertificate: flag("an Advanced Certificate covers hostnames deeper than one level below the zone").default(false),
  },
  { error: "must be an object { proxied, ttl, advancedCertificate }" },
);

/** An environment variable name as Dokku and PHP's getenv take it. */
const ENV_NAME = /^[A-Z_][A-Z0-9_]*$/;

export const appSchema = z.strictObject(
  {
    scale: processScale.optional(),
    debug: flag("APP_DEBUG").optional(),
    logChannel: z.string().regex(/^[a-z_]+$/, { error: "must be a Laravel log channel name such as stderr" }).optional(),
    healthPath: z
      .string({ error: 'must be the path the app answers 200 on when healthy, e.g. "/up" (Laravel 11\'s health route)' })
      .regex(/^\/[A-Za-z0-9._~\/-]*$/, { error: 'must be a path starting with "/" (letters, digits, . _ ~ / -), e.g. "/up"' })
      .optional(),
    env: z
      .record(z.string(), z.string({ error: "must be a string (quote numbers and booleans in YAML)" }), {
        error: "must be an object of NAME: value pairs, e.g. { MAIL_MAILER: smtp }",
      })
      .superRefine((env, ctx) => {
        for (const name of Object.keys(env)) {
          if (!ENV_NAME.test(name)) {
            ctx.addIssue({ code: "custom", path: [name], message: "is not an environment variable name: use upper-case letters, digits and _, not starting with a digit" });
          }
        }
      })
      .optional(),
  },
  { error: "must be an object { scale?, debug?, logChannel?, healthPath?, env? }" },
);

const fraction = (what: string) =>
  z.preprocess(
    (v) => (typeof v === "string" && v.trim() !== "" && !Number.isNaN(Number(v)) ? Number(v) : v),
    z.number({ error: `must be a number from 0 to 1 (${what})` })
      .min(0, { error: `must be a number from 0 to 1 (${what})` })
      .max(1, { error: `must be a number from 0 to 1 (${what})` }),
  );

const slugLike = (what: string) =>
  z.string({ error: `must be ${what}` }).regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/, {
    error: `must be ${what}: letters, digits, ".", "_" or "-"`,
  });

export const sentrySchema = z.strictObject(
  {
    organization: slugLike("the Sentry organization slug"),
    project: slugLike("the Sentry project slug"),
    tracesSampleRate: fraction("SENTRY_TRACES_SAMPLE_RATE; default 0.1 in production, 0.5 elsewhere, 1 for previews").optional(),
  },
  { error: "must be an object { organization, project, tracesSampleRate? }" },
);

export const flagsmithSchema = z.strictObject(
  {
    project: wholeNumber(1, Number.MAX_SAFE_INTEGER, "the Flagsmith project id"),
    apiUrl: z.url({ protocol: /^https?$/, error: "must be the Flagsmith API URL the app reads flags from, e.g. https://flags.example.com/api/v1/" }),
  },
  { error: "must be an object { project, apiUrl }" },
);

const emails = z.array(z.email({ error: "must be an e-mail address" }), { error: "must be a list of e-mail addresses" });

export const grafanaSchema = z.strictObject(
  {
    folderUid: slugLike("the uid of the Grafana folder the platform stack creates"),
    datasourceUid: slugLike("the uid of the Prometheus data source the rules query"),
    oncallContactPoint: z.string().min(1).default("restant-oncall"),
    notifyContactPoint: z.string().min(1).default("restant-notify"),
    oncallEmails: emails.default([]),
    notifyEmails: emails.default([]),
    probes: z.array(wholeNumber(1, Number.MAX_SAFE_INTEGER, "a synthetic monitoring probe id"), {
      error: "must be a list of synthetic monitoring probe ids",
    }).min(1, { error: "must name at least one synthetic monitoring probe" }),
    errorRateQuery: z
      .string()
      .refine((q) => q.includes("{app}"), { error: "must contain {app}, replaced by the environment's app name" })
      .default(
        'sum(rate(nginx_http_requests_total{app="{app}",status=~"5.."}[5m])) / clamp_min(sum(rate(nginx_http_requests_total{app="{app}"}[5m])), 1e-9)',
      ),
    errorRateThreshold: fraction("the 5xx share of requests that fires the alert").default(0.05),
  },
  { error: "must be an object { folderUid, datasourceUid, probes, … }" },
);

export const githubSchema = z.strictObject(
  {
    repository: slugLike("the GitHub repository name (without the owner)"),
    reviewers: z
      .strictObject({
        users: z.array(wholeNumber(1, Number.MAX_SAFE_INTEGER, "a GitHub user id")).default([]),
        teams: z.array(wholeNumber(1, Number.MAX_SAFE_INTEGER, "a GitHub team id")).default([]),
      })
      .default({ users: [], teams: [] }),
  },
  { error: "must be an object { repository, reviewers: { users, teams } }" },
);

const serviceName = (what: string) =>
  z.string({ error: `must be ${what}` }).regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, {
    error: `must be ${what}: 1-63 lower-case letters, digits, "-" or "_" (dokku service names)`,
  });

/** Keys of `restant:redis` from when production and staging held slots on one shared Redis. */
const RETIRED_REDIS_KEYS = ["productionSlot", "stagingSlot"] as const;

/**
 * The non-production Redis and how its logical databases ("slots") are handed out to branches and previews. Database
 * 0 holds the slot registry; every branch and preview claims one in `claimRange`. Production and staging never use
 * it: each has a Redis service of its own (infra/names.ts `redisService`), declared by the platform stack.
 */
export const redisSchema = z
  .strictObject(
    {
      service: serviceName("the non-production dokku-redis service branches and previews claim slots on").default("restant-previews"),
      databases: wholeNumber(16, 1024, "logical databases the non-production Redis is created with").default(32),
      claimRange: z
        .strictObject(
          { first: wholeNumber(1, 1023, "first claimable slot"), last: wholeNumber(1, 1023, "last claimable slot") },
          { error: "must be an object { first, last } of Redis database numbers" },
        )
        .default({ first: 1, last: 31 }),
      // Accepted only to say what replaced them; the refinement below refuses them by name.
      productionSlot: z.unknown().optional(),
      stagingSlot: z.unknown().optional(),
    },
    { error: "must be an object { service, databases, claimRange: { first, last } }" },
  )
  .superRefine((redis, ctx) => {
    const { first, last } = redis.claimRange;
    if (first > last) ctx.addIssue({ code: "custom", path: ["claimRange"], message: `first (${first}) must not be above last (${last})` });
    if (last >= redis.databases) {
      ctx.addIssue({
        code: "custom",
        path: ["claimRange", "last"],
        message: `must be below databases (${redis.databases}): Redis numbers its databases 0 to ${redis.databases - 1}; raise restant:redis.databases or lower the range`,
      });
    }
    for (const key of RETIRED_REDIS_KEYS) {
      if (redis[key] === undefined) continue;
      ctx.addIssue({
        code: "custom",
        path: [key],
        message:
          "is retired: production and staging each have a Redis service of their own now, not a slot on a shared one; " +
          "remove the key (docs/redis.md says how an existing production moves)",
      });
    }
  })
  .transform(({ service, databases, claimRange }) => ({ service, databases, claimRange }));

/** The master snapshot previews clone, its weekly refresh from production's database, and the rules that mask it. */
export const databaseSchema = z.strictObject(
  {
    snapshotService: serviceName("the dokku-mysql service holding the master snapshot").default("restant-snapshot"),
    refreshSchedule: z
      .string({ error: 'must be a five-field cron schedule such as "17 3 * * 0" (Sundays 03:17)' })
      .superRefine((schedule, ctx) => {
        const problem = cronScheduleProblem(schedule);
        if (problem) ctx.addIssue({ code: "custom", message: `${problem}; e.g. "17 3 * * 0" (Sundays 03:17)` });
      })
      .default("17 3 * * 0"),
    maskingRules: z
      .string({ error: "must be the path of the snapshot's masking rules in the repository" })
      .regex(/^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*\.ya?ml$/, { error: "must be a relative path to a .yaml file in the repository, e.g. stacks/snapshot-masking.yaml" })
      .default("stacks/snapshot-masking.yaml"),
    poolSize: wholeNumber(0, 20, "preview databases the warm pool keeps cloned and verified; 0 turns the pool off").default(2),
  },
  { error: "must be an object { snapshotService, refreshSchedule, maskingRules, poolSize }" },
).superRefine((database, ctx) => {
  // A pool member is `<snapshotService>-pool-<14 digits>-<4 hex>` (infra/names.ts): 25 characters more, within 63.
  if (database.poolSize > 0 && database.snapshotService.length > 38) {
    ctx.addIssue({ code: "custom", path: ["snapshotService"], message: "must be at most 38 characters while poolSize is above 0: pool members add 25 characters to it, and a service name has at most 63" });
  }
});

/** Certificates: Let's Encrypt per hostname (HTTP-01), or one DNS-01 wildcard for every preview. */
export const tlsSchema = z.strictObject(
  {
    email: z.email({ error: "must be the e-mail address Let's Encrypt registers the account with" }).optional(),
    previews: z.enum(["per-host", "wildcard"], { error: 'must be "per-host" or "wildcard" (one DNS-01 certificate for all previews)' }).default("per-host"),
    wildcardApp: serviceName("the Dokku app that holds the wildcard certificate").default("restant-previews-tls"),
    cloudflareTokenFile: z
      .string()
      .regex(/^\/[A-Za-z0-9._/-]+$/, { error: "must be an absolute path on the Dokku host (letters, digits, . _ - /)" })
      .default("/etc/dokku-letsencrypt/cloudflare-token"),
  },
  { error: "must be an object { email?, previews, wildcardApp, cloudflareTokenFile }" },
);

/** The verified database backup before each deploy: production always, staging when asked. */
export const backupSchema = z.strictObject(
  {
    staging: flag("back up staging's database before its deploys too").default(false),
    keep: wholeNumber(1, 365, "verified backups kept on the server per database; the newest is never deleted").default(14),
    directory: z
      .string()
      .regex(/^\/[A-Za-z0-9._/-]+$/, { error: "must be an absolute path on the Dokku host (letters, digits, . _ - /)" })
      .default("/var/backups/restant"),
  },
  { error: "must be an object { staging, keep, directory }" },
);

/** Every `restant:*` key a stack may set, its type and what it accepts. */
export const stackConfigSchema = z.strictObject({
  kind: z.enum(KINDS, { error: `must be one of ${KINDS.join(", ")}` }),
  branch: z
    .string({ error: "must be the git branch the environment runs" })
    .min(1, { error: "must not be empty (the git branch the environment runs)" })
    .max(255, { error: "must be at most 255 characters (git's limit for a branch name)" })
    .superRefine((branch, ctx) => {
      const problem = branch.length > 0 ? gitBranchNameProblem(branch) : undefined;
      if (problem) ctx.addIssue({ code: "custom", message: `${problem} (the git branch the environment runs)` });
    })
    .optional(),
  pr: wholeNumber(1, 999_999_999, "the pull request number").optional(),
  zone: dnsName("the Cloudflare zone"),
  zoneId: z
    .string({ error: "must be the Cloudflare zone id" })
    .regex(/^[0-9a-f]{32}$/, { error: "must be the Cloudflare zone id: 32 lower-case hex characters" }),
  hostnameTemplate: z
    .string()
    .refine((t) => t.includes("{slug}") && t.endsWith(".{zone}"), {
      error: 'must contain {slug} and end with ".{zone}", e.g. "restant.{slug}.{zone}"',
    })
    .default("restant.{slug}.{zone}"),
  previewHostnameTemplate: z
    .string()
    .refine((t) => t.includes("{slug}") && t.endsWith(".{zone}"), {
      error: 'must contain {slug} and end with ".{zone}", e.g. "restant-{slug}.{zone}"',
    })
    .optional(),
  runtime: z.enum(["dokku", "forge"], { error: 'must be "dokku" or "forge"' }).default("dokku"),
  dokku: dokkuSchema.optional(),
  forge: forgeSchema.optional(),
  dns: dnsSchema.default({ proxied: false, ttl: 1, advancedCertificate: false }),
  app: appSchema.default({}),
  previewLimit: wholeNumber(1, 15, "previews that may run at once").default(3),
  /**
   * The team's preview password (a Pulumi secret, `pulumi config set --secret`; CI sets it on each preview stack from
   * the RESTANT_PREVIEW_PASSWORD secret): every preview's basic auth uses it instead of one generated per preview.
   */
  previewPassword: z
    .string({ error: "must be the team's preview password, set as a secret" })
    .min(16, { error: "must be at least 16 characters (basic auth is all that keeps a preview private)" })
    .optional(),
  sentry: sentrySchema.optional(),
  flagsmith: flagsmithSchema.optional(),
  grafana: grafanaSchema.optional(),
  github: githubSchema.optional(),
  redis: redisSchema.default({ service: "restant-previews", databases: 32, claimRange: { first: 1, last: 31 } }),
  database: databaseSchema.default({ snapshotService: "restant-snapshot", refreshSchedule: "17 3 * * 0", maskingRules: "stacks/snapshot-masking.yaml", poolSize: 2 }),
  tls: tlsSchema.default({ previews: "per-host", wildcardApp: "restant-previews-tls", cloudflareTokenFile: "/etc/dokku-letsencrypt/cloudflare-token" }),
  gitRepository: z
    .string({ error: "must be the app's git URL Dokku syncs from (no default: set it in Pulumi.yaml or the stack file)" })
    .regex(/^(https:\/\/[A-Za-z0-9.-]+(:\d+)?\/[A-Za-z0-9._/-]+|git@[A-Za-z0-9.-]+:[A-Za-z0-9._/-]+)$/, {
      error: "must be the app's git URL Dokku syncs from, https://host/owner/repo.git or git@host:owner/repo.git",
    }),
  commit: z
    .string()
    .regex(/^[0-9a-f]{7,40}$/, { error: "must be the git commit to deploy: 7 to 40 lower-case hex characters (CI sets it to the pushed SHA)" })
    .optional(),
  backup: backupSchema.default({ staging: false, keep: 14, directory: "/var/backups/restant" }),
  adopt: flag("take over the Dokku app, MySQL service and Redis link that already exist, on production or staging").default(false),
  /**
   * The dokku-mysql service the app uses when it is not the environment's own (`restant-<slug>`): one a backup was
   * restored into (`restant-<slug>-r<backup id>`), set by `npm run restore -- <stack> --backup <id> --yes`.
   */
  databaseService: z
    .string({ error: "must be the dokku-mysql service the app uses, e.g. restant-main-r20261128t220000z (npm run restore --yes sets it)" })
    .regex(/^[A-Za-z0-9_-]{1,63}$/, { error: "must be a dokku-mysql service name: 1-63 of [A-Za-z0-9_-]" })
    .optional(),
});

export type StackConfig = z.infer<typeof stackConfigSchema>;
export type DokkuSettings = z.infer<typeof dokkuSchema>;
export type ForgeSettings = z.infer<typeof forgeSchema>;
export type ForgePreviewServer = z.infer<typeof forgePreviewServerSchema>;
export type SentrySettings = z.infer<typeof sentrySchema>;
export type FlagsmithSettings = z.infer<typeof flagsmithSchema>;
export type GrafanaSettings = z.infer<typeof grafanaSchema>;
export type GithubSettings = z.infer<typeof githubSchema>;
export type RedisSettings = z.infer<typeof redisSchema>;
export type DatabaseSettings = z.infer<typeof databaseSchema>;
export type TlsSettings = z.infer<typeof tlsSchema>;
