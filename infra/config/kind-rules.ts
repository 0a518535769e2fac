import { RESERVED_VARIABLES } from "../app-variables";
import { hostnameFor, isOwnMysqlService, namesForSlug, slugForBranch, slugForPullRequest } from "../names";
import type { ConfigProblem } from "./problems";
import type { ForgePreviewServer, StackConfig } from "./schema";
import { isIpAddress, sameHostAs } from "../server-address";

/** Branch names that travel as one word through Dokku's argument split (git:sync takes the ref so). */
export const PLAIN_GIT_REF = /^[A-Za-z0-9._/-]+$/;

/** The branch each fixed stack runs when its file does not say. */
export const DEFAULT_BRANCH: Partial<Record<StackConfig["kind"], string>> = { production: "main", staging: "staging" };

/**
 * The rules that tie keys together: what each kind needs, what it must not have, and that the stack's name is the one
 * its kind and branch make, so a preview can never be pointed at production's names by a stray file.
 */
export function kindRuleProblems(config: StackConfig, stack: string): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const need = (key: string, message: string) => problems.push({ key: `restant:${key}`, message });

  if (config.kind === "preview") {
    if (config.pr === undefined) need("pr", "is required for a preview stack: the pull request number, e.g. 7");
    if (config.branch === undefined) need("branch", "is required for a preview stack: the pull request's head branch");
  } else if (config.pr !== undefined) {
    need("pr", `is only for preview stacks; remove it from this ${config.kind} stack`);
  }
  if (config.kind === "branch" && config.branch === undefined) {
    need("branch", "is required for a branch stack: the long-lived git branch it runs");
  }
  if (config.kind === "branch" && (config.branch === "main" || config.branch === "staging")) {
    need("branch", `"${config.branch}" runs in the ${config.branch === "main" ? "production" : "staging"} stack; a branch stack is for other long-lived branches`);
  }
  if (config.kind === "platform" && config.branch !== undefined) {
    need("branch", "has no meaning for the platform stack, which runs no app; remove it");
  }

  const expected = expectedStackName(config);
  if (expected !== undefined && expected !== stack) {
    need(
      "kind",
      `a ${config.kind} stack${config.kind === "preview" || config.kind === "branch" ? " for this " + (config.kind === "preview" ? "pr" : "branch") : ""} ` +
        `must be named "${expected}", but this stack is "${stack}"; rename the stack or fix restant:kind` +
        (config.kind === "preview" ? "/restant:pr" : config.kind === "branch" ? "/restant:branch" : ""),
    );
  }

  if (config.runtime === "dokku" && config.dokku === undefined) {
    need("dokku", "is required when restant:runtime is dokku: { host, port, user, hostKey, ipv4 }");
  }
  if (config.runtime === "forge" && config.forge === undefined && config.kind !== "platform") {
    need("forge", "is required when restant:runtime is forge: { organization, serverId, ipv4 }");
  }
  if (config.runtime === "forge" && config.forge !== undefined) problems.push(...forgeServerProblems(config, config.forge));

  if (config.previewPassword !== undefined && config.kind !== "preview") {
    need("previewPassword", `is only for preview stacks (their basic auth); a ${config.kind} stack is not behind it: remove it`);
  }

  if (config.adopt && config.kind !== "production" && config.kind !== "staging") {
    need(
      "adopt",
      `is only for production and staging, whose apps and services may have been made by hand before this stack; a ${config.kind} stack ` +
        "creates its own: remove restant:adopt",
    );
  }

  if (config.databaseService !== undefined) problems.push(...databaseServiceProblems(config));

  if (config.kind === "production") {
    if (config.app.debug === true) need("app.debug", "must be false in production: APP_DEBUG shows stack traces and secrets");
    if (config.app.scale?.web === 0) need("app.scale.web", "must be at least 1 in production, or the site is down");
  }

  for (const name of Object.keys(config.app.env ?? {})) {
    if (RESERVED_VARIABLES.includes(name)) {
      need(`app.env.${name}`, "is set by this program or a linked service (see docs/app-contract.md); remove it from restant:app.env");
    }
  }

  const slug = slugOf(config);
  if (slug !== undefined) problems.push(...hostnameProblems(config, slug));
  const deployBranch = config.branch ?? DEFAULT_BRANCH[config.kind];
  if (config.kind !== "platform" && config.kind !== "preview" && config.commit === undefined && deployBranch !== undefined && !PLAIN_GIT_REF.test(deployBranch)) {
    need(
      "commit",
      `is required for branch ${JSON.stringify(deployBranch)}: Dokku's git:sync takes the ref as one plain word (letters, digits, . _ / -) ` +
        "and this name is not one; set restant:commit to the commit to deploy (CI sets it to the pushed SHA)",
    );
  }
  const { first, last } = config.redis.claimRange;
  if (config.kind === "platform" && last - first + 1 < config.previewLimit) {
    need(
      "redis.claimRange",
      `holds ${last - first + 1} slots, fewer than restant:previewLimit (${config.previewLimit}) previews at once; widen the range (and restant:redis.databases) or lower the limit`,
    );
  }
  // Let's Encrypt registers an account with an e-mail before it issues anything: without one, letsencrypt:enable
  // fails on the server half-way through an up. Every stack that asks Let's Encrypt for a certificate needs it.
  const asksLetsEncrypt =
    config.kind === "platform" ? config.tls.previews === "wildcard" : config.runtime === "dokku" && !(config.kind === "preview" && config.tls.previews === "wildcard");
  if (asksLetsEncrypt && config.tls.email === undefined) {
    need(
      "tls.email",
      "is required: Let's Encrypt registers its account with an e-mail address (expiry notices go there) before it issues a " +
        "certificate, and none is set; set it once for every stack in Pulumi.yaml's config (restant:tls: { value: { email: " +
        "ops@yourcompany.com } }), or in this stack's file if it sets restant:tls itself",
    );
  }
  if (config.kind === "preview" && config.tls.previews === "wildcard" && slug !== undefined) {
    const hostname = hostnameFor(hostnameTemplateOf(config), slug, config.zone);
    if (hostname.split(".").length !== config.zone.split(".").length + 1) {
      need(
        "tls.previews",
        `is "wildcard", but the wildcard *.${config.zone} covers only names one level below the zone and this preview is ${hostname}; ` +
          'use a one-level restant:previewHostnameTemplate such as "restant-{slug}.{zone}", or set restant:tls.previews to "per-host"',
      );
    }
  }
  return problems;
}

/**
 * Branches and previews on Forge run on a Forge server of their own (`restant:forge.previews`): on production's or
 * staging's server the server's Redis and MySQL answer every site user on 127.0.0.1 without a password, so a preview's
 * code could read production's sessions, queues and data whatever names it was given.
 */
function forgeServerProblems(config: StackConfig, forge: NonNullable<StackConfig["forge"]>): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const { previews } = forge;
  const separate = "give branches and previews a Forge server that production and staging do not run on";
  if ((config.kind === "branch" || config.kind === "preview") && previews === undefined) {
    problems.push({
      key: "restant:forge.previews",
      message:
        `is required for a ${config.kind} on Forge: { serverId, ipv4, ssh: { host, hostKey } } of a Forge server of their own, ` +
        "because on production's server its Redis and MySQL answer every site on 127.0.0.1 without a password. Set it once in " +
        'Pulumi.yaml\'s restant:forge (docs/forge.md), or run previews on Dokku (restant:runtime: "dokku")',
    });
  }
  if (previews !== undefined && previews.serverId === forge.serverId) {
    problems.push({
      key: "restant:forge.previews.serverId",
      message: `is ${previews.serverId}, the server production and staging run on (restant:forge.serverId): ${separate} (docs/forge.md)`,
    });
  } else if (previews !== undefined && previews.ipv4 === forge.ipv4) {
    problems.push({
      key: "restant:forge.previews.ipv4",
      message: `is ${previews.ipv4}, the address of the server production and staging run on (restant:forge.ipv4): ${separate} (docs/forge.md)`,
    });
  }
  if (previews !== undefined) problems.push(...previewSshHostProblems(forge, previews));
  return problems;
}

/**
 * The previews' SSH host is where the snapshot copy and the Redis slots run (as `forge`, on that server's MySQL and
 * Redis): left at production's server, a slot claim writes into production's Redis and a preview's delete FLUSHDBs a
 * database of it (db 0 is Laravel's default there). A DNS name cannot be judged here; an address must be the
 * previews' server's own.
 */
function previewSshHostProblems(forge: NonNullable<StackConfig["forge"]>, previews: ForgePreviewServer): ConfigProblem[] {
  const { host } = previews.ssh;
  const key = "restant:forge.previews.ssh.host";
  const theirs = [previews.ipv4, ...(previews.ipv6 ? [previews.ipv6] : [])];
  const production = sameHostAs(host, productionAddresses(forge));
  if (production !== undefined) {
    const which = production === forge.ipv4 ? "restant:forge.ipv4" : "restant:forge.ipv6";
    return [{
      key,
      message:
        `is ${host}, the address of the server production and staging run on (${which}): the snapshot copy and the Redis ` +
        "slots of branches and previews would run on production's MySQL and Redis, and a preview's delete would FLUSHDB a " +
        `database of production's Redis; set it to the previews' server (restant:forge.previews.ipv4, ${previews.ipv4}) or its DNS name (docs/forge.md)`,
    }];
  }
  if (isIpAddress(host) && sameHostAs(host, theirs) === undefined) {
    return [{
      key,
      message:
        `is the IP address ${host}, not the previews' server's (restant:forge.previews.ipv4: ${previews.ipv4}): the snapshot copy ` +
        `and the Redis slots must run on the server branches and previews run on; set it to ${previews.ipv4} or to the previews' server's DNS name (docs/forge.md)`,
    }];
  }
  return [];
}

/** Every address of the server production and staging run on on Forge (restant:forge.ipv4 and ipv6). */
export function productionAddresses(forge: Pick<NonNullable<StackConfig["forge"]>, "ipv4" | "ipv6">): string[] {
  return [forge.ipv4, ...(forge.ipv6 ? [forge.ipv6] : [])];
}

/** The slug of the environment a config describes, when it has enough to say. */
export function slugOf(config: StackConfig): string | undefined {
  switch (config.kind) {
    case "platform":
      return undefined;
    case "preview":
      return config.pr === undefined ? undefined : slugForPullRequest(config.pr);
    case "production":
    case "staging": {
      const branch = config.branch ?? DEFAULT_BRANCH[config.kind];
      return branch === undefined ? undefined : slugForBranch(branch);
    }
    case "branch":
      return config.branch === undefined ? undefined : slugForBranch(config.branch);
  }
}

/** The name a stack of this config must have. */
export function expectedStackName(config: StackConfig): string | undefined {
  switch (config.kind) {
    case "platform":
    case "production":
    case "staging":
      return config.kind;
    case "preview":
    case "branch":
      return slugOf(config);
  }
}

export function hostnameTemplateOf(config: StackConfig): string {
  return config.kind === "preview" && config.previewHostnameTemplate ? config.previewHostnameTemplate : config.hostnameTemplate;
}

function hostnameProblems(config: StackConfig, slug: string): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const templateKey = config.kind === "preview" && config.previewHostnameTemplate ? "previewHostnameTemplate" : "hostnameTemplate";
  const hostname = hostnameFor(hostnameTemplateOf(config), slug, config.zone);
  const labels = hostname.split(".");
  if (hostname.length > 253 || labels.some((l) => l.length === 0 || l.length > 63) || !/^[a-z0-9.-]+$/.test(hostname)) {
    problems.push({
      key: `restant:${templateKey}`,
      message: `makes "${hostname}", not a valid hostname (labels of 1–63 characters [a-z0-9-], at most 253 in all); shorten the template`,
    });
  }
  const depth = labels.length - config.zone.split(".").length;
  if (config.dns.proxied && depth > 1 && !config.dns.advancedCertificate) {
    problems.push({
      key: "restant:dns.proxied",
      message:
        `cannot be true for "${hostname}": it is ${depth} labels below ${config.zone}, and Cloudflare's Universal SSL ` +
        `covers only one level, so the proxied host would have no edge certificate. Set restant:dns.proxied to false, ` +
        `use a one-level template such as "restant-{slug}.{zone}", or declare an Advanced Certificate with ` +
        `restant:dns.advancedCertificate: true`,
    });
  }
  return problems;
}

/**
 * `restant:databaseService` names a database restored from this environment's own backups, on Dokku, in production or
 * staging (the stacks that keep backups): never another environment's service, never a preview's clone.
 */
function databaseServiceProblems(config: StackConfig): ConfigProblem[] {
  const service = config.databaseService!;
  const problem = (message: string): ConfigProblem[] => [{ key: "restant:databaseService", message }];
  if (config.kind !== "production" && config.kind !== "staging") {
    return problem(`is only for production and staging (the stacks whose backups npm run restore restores); remove it from this ${config.kind} stack`);
  }
  if (config.runtime !== "dokku") return problem("is a dokku-mysql service, for the Dokku runtime only; remove it");
  const slug = slugOf(config);
  if (slug === undefined) return [];
  const names = namesForSlug(slug);
  if (isOwnMysqlService(names, service)) return [];
  return problem(
    `is ${JSON.stringify(service)}, which is neither ${names.mysqlService} nor a backup of it restored by npm run restore ` +
      `(${names.mysqlService}-r<backup id>, e.g. ${names.mysqlService}-r20261128t220000z); fix it or remove it to use ${names.mysqlService}`,
  );
}
