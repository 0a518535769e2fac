import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { DEFAULT_BRANCH } from "../../infra/config/kind-rules";
import { type EnvironmentNames, namesForSlug, slugForBranch } from "../../infra/names";
import { sameHostAs } from "../../infra/server-address";
import type { EnvironmentSpec, ForgePreviewDataSpec } from "../../infra/spec";
import { isKnownProp, knownObjectProp, knownStringProp, stringsIn } from "../props";
import {
  APP_TYPES,
  APP_VARIABLES_TYPES,
  AUTH_TYPES,
  CERTIFICATE_TYPES,
  DATABASE_LINK_TYPES,
  DATABASE_COPY_TYPES,
  DATABASE_TYPES,
  FLAGSMITH_ENVIRONMENT,
  nameInputOf,
  REDIS_LINK_TYPES,
  REMOTE_COMMAND,
  SLOT_TYPES,
  TENANT_ENVIRONMENT,
} from "../resource-types";
import { environmentSpecOf } from "../stack-spec";

/** An environment a preview must never touch, with the names infra derives for it. */
interface GuardedEnvironment {
  kind: "production" | "staging";
  names: EnvironmentNames;
}

/**
 * Production's and staging's names, derived by the very functions infra uses for those stacks (their default
 * branches, infra/config/kind-rules.ts), never a second copy of the naming rules.
 */
export function guardedEnvironments(): GuardedEnvironment[] {
  return (["production", "staging"] as const).map((kind) => {
    const branch = DEFAULT_BRANCH[kind];
    if (branch === undefined) throw new Error(`internal: no default branch for ${kind}`);
    return { kind, names: namesForSlug(slugForBranch(branch)) };
  });
}

/** Names long and specific enough to look for anywhere in any input, command texts included. */
const DISTINCT_NAMES = ["app", "mysqlService", "mysqlDatabase", "mysqlUser", "redisService"] as const;

/** Inputs that legitimately hold another environment's name: a preview's Flagsmith environment is cloned from staging's. */
const READS_FROM = new Map<string, ReadonlySet<string>>([
  [FLAGSMITH_ENVIRONMENT, new Set(["cloneFrom"])],
  // The branch (and the ref deployed from it) is the PR author's free text, not a name the preview uses.
  [TENANT_ENVIRONMENT, new Set(["spec.flagsmith.cloneFrom", "spec.branch", "spec.deploy.ref"])],
]);

/**
 * The inputs that say which app, database, slot or environment a resource acts on. The program derives each from the
 * spec, so each is known during `pulumi preview`; one that is not cannot be proven safe, and the policy fails closed
 * on it rather than throwing, which the engine would report as an advisory "can't run during preview" and pass.
 */
function identifyingInputs(type: string): string[] {
  const inputs: string[] = [];
  // Not a database link's database: it is the database resource's output (a claimed warm pool member), unknown until
  // the claim, and that resource's own inputs (service, clone source, pool) are judged.
  if (APP_TYPES.has(type) || DATABASE_TYPES.has(type)) inputs.push(nameInputOf(type));
  if (DATABASE_TYPES.has(type)) inputs.push("cloneFrom");
  if (DATABASE_COPY_TYPES.has(type)) inputs.push("database", "snapshot");
  if (SLOT_TYPES.has(type) || REDIS_LINK_TYPES.has(type)) inputs.push("service");
  if (SLOT_TYPES.has(type)) inputs.push("holder");
  if ([DATABASE_TYPES, DATABASE_LINK_TYPES, SLOT_TYPES, REDIS_LINK_TYPES, AUTH_TYPES, CERTIFICATE_TYPES, APP_VARIABLES_TYPES].some((role) => role.has(type))) {
    inputs.push("app");
  }
  if (type === FLAGSMITH_ENVIRONMENT) inputs.push("name", "cloneFrom");
  if (type === REMOTE_COMMAND) inputs.push("create", "update", "delete");
  return [...new Set(inputs)];
}

/** Inputs that serialize provider code, not data. */
const CODE_INPUTS = new Set(["__provider"]);

/**
 * A preview runs code from an unreviewed branch: none of its resources may use a name, Redis service or slot, database
 * service or Flagsmith environment of production or staging, or a preview could overwrite or read their data. A
 * branch stack is reviewed code but still not production: none of its resources may link, name or claim on
 * production's or staging's own Redis, whose password would otherwise reach it.
 */
export const previewsIsolated: StackValidationPolicy = {
  name: "previews-isolated",
  description:
    "No resource of a preview stack uses a name, Redis service or slot, database service or Flagsmith environment of production or staging; no branch resource links, names or claims on their Redis; on Forge no branch or preview runs on their server or reaches its data over SSH at one of its addresses.",
  enforcementLevel: "mandatory",
  validateStack: (args, reportViolation) => {
    const spec = environmentSpecOf(args.resources);
    if (spec?.kind !== "preview" && spec?.kind !== "branch") return;
    const guarded = guardedEnvironments();
    for (const { environment, what } of specUses(spec, guarded)) {
      reportViolation(
        `${spec.kind} stack ${spec.stack} is given ${environment.kind}'s ${what} by its spec: infra/names.ts derives every name ` +
          `of a ${spec.kind} from its own slug; fix the stack config or the naming that produced it.`,
      );
    }
    for (const violation of forgeServerUses(spec, args.resources)) reportViolation(violation.message, violation.urn);
    for (const resource of args.resources) {
      for (const input of identifyingInputs(resource.type).filter((key) => !isKnownProp(resource.props, key))) {
        reportViolation(
          `${spec.kind} resource ${resource.type} "${resource.name}" has ${input} not known during preview, so it cannot be ` +
            `proven not to be production's or staging's: give it a value from the spec (infra/names.ts), not another resource's output.`,
          resource.urn,
        );
      }
      const uses = spec.kind === "preview" ? [...usesOf(resource, guarded), ...redisUsesOf(resource, guarded, false)] : [...redisUsesOf(resource, guarded, true)];
      for (const { environment, what, path } of uses) {
        reportViolation(
          `${spec.kind} resource ${resource.type} "${resource.name}" uses ${environment.kind}'s ${what} at ${path}: a ${spec.kind} ` +
            `takes every name from its own spec (infra/names.ts for ${spec.kind === "preview" ? "pr-<n>" : "its branch"}) and ` +
            `claims its Redis slot on the non-production service; fix the component or config that put ${environment.kind}'s name there.`,
          resource.urn,
        );
      }
    }
  },
};

/**
 * On Forge a branch or preview must not run on production's and staging's server at all: that server's Redis and
 * MySQL answer every site user on 127.0.0.1 without a password, whatever names the preview was given. Its spec's
 * server, and every resource that names a Forge server, must be the previews' own.
 */
function* forgeServerUses(spec: EnvironmentSpec, resources: readonly PolicyResource[]): Generator<{ message: string; urn?: string }> {
  if (spec.runtime.kind !== "forge") return;
  const { previewData } = spec.runtime;
  const guarded = previewData?.guardedServerId;
  const fix = "set restant:forge.previews to a Forge server of their own (docs/forge.md)";
  if (previewData === undefined || guarded === undefined) {
    yield { message: `${spec.kind} stack ${spec.stack} runs on Forge without the previews' own server in its spec (runtime.previewData): ${fix}.` };
    return;
  }
  if (spec.runtime.forge.serverId === guarded) {
    yield { message: `${spec.kind} stack ${spec.stack} runs on Forge server ${guarded}, production's and staging's: ${fix}.` };
  }
  for (const resource of resources) {
    const serverId = resource.props.serverId;
    if (serverId === guarded) {
      yield {
        message: `${spec.kind} resource ${resource.type} "${resource.name}" is on Forge server ${guarded}, production's and staging's (serverId): ${fix}.`,
        urn: resource.urn,
      };
    }
  }
  yield* forgeSshTargetUses(spec, previewData, resources);
}

/**
 * The slot claims and the snapshot copy run over SSH on whatever host their `target` names, not on a server id: at
 * production's address a claim writes into production's Redis and a preview's delete FLUSHDBs a database of it. The
 * spec's SSH host and every slot's and copy's `target.host` must not be an address of production's server.
 */
function* forgeSshTargetUses(spec: EnvironmentSpec, previewData: ForgePreviewDataSpec, resources: readonly PolicyResource[]): Generator<{ message: string; urn?: string }> {
  const addresses = previewData.guardedAddresses;
  const fix = "set restant:forge.previews.ssh.host to the previews' own server (docs/forge.md)";
  if (!Array.isArray(addresses)) {
    yield { message: `${spec.kind} stack ${spec.stack} runs on Forge without production's server's addresses in its spec (runtime.previewData.guardedAddresses), so its SSH targets cannot be judged: ${fix}.` };
    return;
  }
  const production = "an address of production's and staging's Forge server";
  if (sameHostAs(previewData.ssh.host, addresses) !== undefined) {
    yield { message: `${spec.kind} stack ${spec.stack} reaches its data over SSH at ${previewData.ssh.host}, ${production} (restant:forge.ipv4/ipv6): ${fix}.` };
  }
  for (const resource of resources.filter((r) => SLOT_TYPES.has(r.type) || DATABASE_COPY_TYPES.has(r.type))) {
    const target = knownObjectProp(resource.props, "target");
    const host = target === undefined ? undefined : knownStringProp(target, "host");
    if (host === undefined) {
      yield {
        message:
          `${spec.kind} resource ${resource.type} "${resource.name}" has no target.host known during preview, so it cannot be proven not to run on ` +
          "production's and staging's Forge server: give it the spec's SSH target (runtime.previewData.ssh), not another resource's output.",
        urn: resource.urn,
      };
    } else if (sameHostAs(host, addresses) !== undefined) {
      yield { message: `${spec.kind} resource ${resource.type} "${resource.name}" runs over SSH at ${host}, ${production} (target.host): ${fix}.`, urn: resource.urn };
    }
  }
}

/**
 * The spec's own names that are another environment's: the app's SENTRY_ENVIRONMENT is made from the spec
 * (components/laravel-config.ts), and judged here too because the app's config as a whole is not known during a
 * preview that creates its secrets (APP_KEY).
 */
function* specUses(spec: EnvironmentSpec, guarded: readonly GuardedEnvironment[]): Generator<Omit<Use, "path">> {
  if (spec.kind !== "preview") return;
  for (const environment of guarded) {
    if (spec.names.sentryEnvironment === environment.names.sentryEnvironment) {
      yield { environment, what: `Sentry environment "${environment.names.sentryEnvironment}"` };
    }
  }
}

interface Use {
  environment: GuardedEnvironment;
  what: string;
  path: string;
}

/** The resource's string inputs a policy may read as data: not provider code, not inputs that legitimately name others. */
function* dataStrings(resource: PolicyResource): Generator<{ path: string; value: string }> {
  const allowed = READS_FROM.get(resource.type) ?? new Set<string>();
  for (const found of stringsIn(resource.props)) {
    if (allowed.has(found.path) || CODE_INPUTS.has(found.path.split(/[.[]/)[0] ?? "")) continue;
    yield found;
  }
}

function* usesOf(resource: PolicyResource, guarded: readonly GuardedEnvironment[]): Generator<Use> {
  const isRedisResource = SLOT_TYPES.has(resource.type) || REDIS_LINK_TYPES.has(resource.type);
  for (const { path, value } of dataStrings(resource)) {
    // A Redis resource's service is judged by redisUsesOf, which says whether it links or claims.
    if (isRedisResource && path === "service") continue;
    const words = new Set(value.split(/[^A-Za-z0-9_.-]+/));
    for (const environment of guarded) {
      // One finding per name: production's app, database and Redis services share "restant-main".
      const found = new Map<string, string[]>();
      for (const key of DISTINCT_NAMES) {
        const name = environment.names[key];
        if (words.has(name)) found.set(name, [...(found.get(name) ?? []), key]);
      }
      for (const [name, keys] of found) yield { environment, what: `${keys.join("/")} "${name}"`, path };
      if (value.includes(environment.names.redisKeyPrefix)) {
        yield { environment, what: `Redis key prefix "${environment.names.redisKeyPrefix}"`, path };
      }
    }
  }
  // Short names ("main", "staging") are only meaningful in the inputs that hold them.
  for (const environment of guarded) {
    const { names } = environment;
    if (resource.type === FLAGSMITH_ENVIRONMENT && knownStringProp(resource.props, "name") === names.flagsmithEnvironment) {
      yield { environment, what: `Flagsmith environment "${names.flagsmithEnvironment}"`, path: "name" };
    }
    // Unknown during a preview that creates the app's secrets: specUses judges the name it is made from.
    const config = APP_TYPES.has(resource.type) ? knownObjectProp(resource.props, "config") : undefined;
    if (config && knownStringProp(config, "SENTRY_ENVIRONMENT") === names.sentryEnvironment) {
      yield { environment, what: `Sentry environment "${names.sentryEnvironment}"`, path: "config.SENTRY_ENVIRONMENT" };
    }
  }
}

/**
 * Links to, claims on or names of production's or staging's own Redis service, and slots claimed in their name.
 * `scanInputs`: look for the service's name in every input too (branches; previews' name scan already does).
 */
function* redisUsesOf(resource: PolicyResource, guarded: readonly GuardedEnvironment[], scanInputs: boolean): Generator<Use> {
  const isRedisResource = SLOT_TYPES.has(resource.type) || REDIS_LINK_TYPES.has(resource.type);
  for (const environment of guarded) {
    const { names } = environment;
    const service = knownStringProp(resource.props, "service");
    if (isRedisResource && service === names.redisService) {
      const how = REDIS_LINK_TYPES.has(resource.type) ? "a link to" : "a slot claimed on";
      yield { environment, what: `Redis service "${names.redisService}" (${how} it)`, path: "service" };
    } else if (scanInputs) {
      for (const { path, value } of dataStrings(resource)) {
        if (value.split(/[^A-Za-z0-9_.-]+/).includes(names.redisService)) {
          yield { environment, what: `Redis service "${names.redisService}"`, path };
        }
      }
    }
    if (SLOT_TYPES.has(resource.type) && knownStringProp(resource.props, "holder") === names.slug) {
      yield { environment, what: `Redis slot (held by "${names.slug}")`, path: "holder" };
    }
  }
}
