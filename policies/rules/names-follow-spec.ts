import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import type { EnvironmentSpec } from "../../infra/spec";
import { fullRecordName } from "../dns-names";
import { isAbsentProp, isKnownProp, knownObjectProp, knownStringListProp, knownStringProp } from "../props";
import {
  APP_TYPES,
  AUTH_TYPES,
  CERTIFICATE_TYPES,
  DATABASE_LINK_TYPES,
  DATABASE_COPY_TYPES,
  DATABASE_TYPES,
  DATABASE_USER_TYPES,
  DNS_RECORD,
  FORGE_REDIS_SLOT,
  FORGE_SITE,
  FLAGSMITH_ENVIRONMENT,
  nameInputOf,
  REDIS_LINK_TYPES,
  SLOT_TYPES,
} from "../resource-types";
import { environmentSpecOf } from "../stack-spec";

const ADDRESS_RECORD_TYPES = new Set(["A", "AAAA", "CNAME"]);

/** One named thing a resource declares, and the name the spec derived for it. */
interface NameCheck {
  what: string;
  input: string;
  actual: string | undefined;
  expected: string;
}

/** The inputs that hold a name, per resource type, and which of the spec's names each must be. */
function checksFor(resource: PolicyResource, spec: EnvironmentSpec): NameCheck[] {
  const { names } = spec;
  const check = (what: string, input: string, expected: string): NameCheck => ({
    what,
    input,
    actual: knownStringProp(resource.props, input),
    expected,
  });
  // Whatever names an app (a linked service, http-auth) names this environment's; unlinked (the snapshot) is fine.
  const linkedApp = () => (isAbsentProp(resource.props, "app") ? [] : [check("linked app", "app", names.app)]);
  // The app answers for its own hostname only.
  const domains = () =>
    knownStringListProp(resource.props, "domains").map((domain, i) => ({ what: "domain", input: `domains[${i}]`, actual: domain, expected: spec.hostname }));
  const { type } = resource;
  const ownName = (what: string, expected: string) => check(what, nameInputOf(type), expected);
  // A Forge site is its domain, run by its own user; its certificate and its security rule name the domain they are for.
  const domain = () => (isAbsentProp(resource.props, "domain") ? [] : [check("domain", "domain", spec.hostname)]);
  if (type === FORGE_SITE) return [ownName("site user", names.siteUser), ...domain()];
  if (APP_TYPES.has(type)) return [ownName("app", names.app), ...domains()];
  if (CERTIFICATE_TYPES.has(type)) return [...linkedApp(), ...domains(), ...domain()];
  if (DATABASE_USER_TYPES.has(type)) return [ownName("database user", names.mysqlUser)];
  if (DATABASE_TYPES.has(type)) {
    return [
      // After a restore, the environment's own service stays declared (kept, unlinked) beside the one the app uses.
      ownName("database", knownStringProp(resource.props, nameInputOf(type)) === spec.database.kept ? spec.database.kept! : spec.database.name),
      ...linkedApp(),
      // On Forge the database is made empty and its copy (DATABASE_COPY_TYPES) names the snapshot.
      ...((spec.database.cloneFrom !== undefined && spec.runtime.kind !== "forge") || !isAbsentProp(resource.props, "cloneFrom")
        ? [check("database cloned from", "cloneFrom", spec.database.cloneFrom ?? "(no clone)")]
        : []),
      ...poolChecks(resource, spec),
    ];
  }
  // A preview's clone (or claimed pool member) and its app: the link joins only the spec's own, and always names the app.
  if (DATABASE_LINK_TYPES.has(type)) return [linkedDatabase(resource, spec, nameInputOf(type)), check("linked app", "app", names.app)];
  if (DATABASE_COPY_TYPES.has(type)) {
    const snapshot = spec.runtime.kind === "forge" ? spec.runtime.previewData?.snapshotDatabase : undefined;
    return [ownName("database", spec.database.name), check("snapshot copied", "snapshot", snapshot ?? "(no copy: not a preview on Forge)")];
  }
  // On a Forge server there is no Redis service to name: the slot is on the previews' server's own Redis.
  if (type === FORGE_REDIS_SLOT && spec.redis.mode === "slot") {
    return [
      check("Redis slot holder", "holder", names.slug),
      check("Redis slot registry", "registry", spec.redis.registry),
      { what: "Redis slot range", input: "range", actual: rangeText(knownObjectProp(resource.props, "range")), expected: `${spec.redis.range.first}-${spec.redis.range.last}` },
    ];
  }
  if (SLOT_TYPES.has(type)) {
    if (spec.redis.mode === "own") {
      return [{ what: "Redis slot", input: "service", actual: knownStringProp(resource.props, "service"), expected: `(none: ${names.slug} links its own ${spec.redis.service})` }];
    }
    return [
      check("Redis slot holder", "holder", names.slug),
      check("non-production Redis service", "service", spec.redis.service),
      check("Redis slot registry", "registry", spec.redis.registry),
      { what: "Redis slot range", input: "range", actual: rangeText(knownObjectProp(resource.props, "range")), expected: `${spec.redis.range.first}-${spec.redis.range.last}` },
      ...linkedApp(),
    ];
  }
  if (REDIS_LINK_TYPES.has(type)) {
    return [check("own Redis service", "service", spec.redis.mode === "own" ? spec.redis.service : `(none: ${names.slug} claims a slot)`), ...linkedApp()];
  }
  if (AUTH_TYPES.has(type)) return [...linkedApp(), ...domain()];
  if (type === DNS_RECORD) {
    // Address records point the hostname at the runtime; others (TXT challenges, …) may carry other names.
    if (!ADDRESS_RECORD_TYPES.has(knownStringProp(resource.props, "type") ?? "A")) return [];
    return [{ ...check("hostname", "name", spec.hostname), actual: recordName(resource, spec.zone) }];
  }
  if (type === FLAGSMITH_ENVIRONMENT) return [check("Flagsmith environment", "name", names.flagsmithEnvironment)];
  return [];
}

/**
 * Every outside name is derived once, in infra/names.ts, from the stack's slug: a component that makes its own (or a
 * typo in one) could land on another environment's app, database or hostname. The Dokku app, its domains, the database
 * service, DNS records, the Flagsmith environment and the Redis slot must carry exactly the spec's names.
 */
export const namesFollowSpec: StackValidationPolicy = {
  name: "names-follow-spec",
  description:
    "App (Dokku app, Forge site), database and its user, hostnames (and certificate domains, Flagsmith environment, Redis slot, the app services link to) carry the names and slots the stack's spec derived.",
  enforcementLevel: "mandatory",
  validateStack: (args, reportViolation) => {
    const spec = environmentSpecOf(args.resources);
    if (!spec) return;
    for (const resource of args.resources) {
      for (const { what, input, actual, expected } of checksFor(resource, spec)) {
        if (actual === expected) continue;
        reportViolation(
          `${what} of ${resource.type} "${resource.name}" is ${actual === undefined ? "missing" : `"${actual}"`} (input ` +
            `${input}), not the spec's "${expected}": components take every name from the spec (infra/names.ts), ` +
            `never make their own; fix the component that declares "${resource.name}".`,
          resource.urn,
        );
      }
    }
  },
};

/**
 * A preview's warm pool claim: the spec's registry, Redis service and member pattern, held by the preview's slug for
 * its own app. Without a pool in the spec, a database resource may not claim from one.
 */
function poolChecks(resource: PolicyResource, spec: EnvironmentSpec): NameCheck[] {
  const pool = knownObjectProp(resource.props, "pool");
  const expected = spec.database.pool;
  if (expected === undefined) {
    return pool === undefined ? [] : [{ what: "warm pool", input: "pool", actual: knownStringProp(pool, "registry") ?? "(set)", expected: "(none: this environment clones directly)" }];
  }
  const field = (what: string, key: string, want: string): NameCheck => ({ what, input: `pool.${key}`, actual: pool ? knownStringProp(pool, key) : undefined, expected: want });
  return [
    field("warm pool registry", "registry", expected.registry),
    field("warm pool Redis service", "redisService", expected.redisService),
    field("warm pool member names", "memberPattern", expected.memberPattern),
    field("warm pool claim holder", "holder", spec.names.slug),
    field("warm pool claim's app", "app", spec.names.app),
  ];
}

/**
 * The database a link joins: the spec's own, or with a warm pool a member's name (its own for life: dokku-mysql
 * cannot rename) — unknown until the claim answers, which a plan and a preview show as missing.
 */
function linkedDatabase(resource: PolicyResource, spec: EnvironmentSpec, input: string): NameCheck {
  // During a preview the link's database is the database resource's output (the clone, or the member it claims), not
  // known yet: that resource's own inputs are judged here, and the link again at the end of `up`, when it is known.
  if (!isKnownProp(resource.props, input)) return { what: "database", input, actual: spec.database.name, expected: spec.database.name };
  const actual = knownStringProp(resource.props, input);
  const { pool } = spec.database;
  const expected = spec.database.name;
  if (actual === expected) return { what: "database", input, actual, expected };
  if (pool !== undefined && (actual === undefined || new RegExp(pool.memberPattern).test(actual))) return { what: "database", input, actual: expected, expected };
  return { what: "database", input, actual, expected: pool === undefined ? expected : `${expected} or a warm pool member (${pool.memberPattern})` };
}

function recordName(record: PolicyResource, zone: string): string | undefined {
  const name = knownStringProp(record.props, "name");
  return name === undefined ? undefined : fullRecordName(name, zone);
}

/** A slot range as `first-last`, or undefined when it is not one. */
function rangeText(range: unknown): string | undefined {
  const { first, last } = (range ?? {}) as { first?: unknown; last?: unknown };
  return typeof first === "number" && typeof last === "number" ? `${first}-${last}` : undefined;
}
