import type * as pulumi from "@pulumi/pulumi";
import type { ProviderVersion } from "../dynamic-resource";
import { isFailedStatus, type ForgeClient, type SecurityRule, type SecurityRuleSpec } from "./client";
import { changedKeys, forgeClientFor, serverRefFailures } from "./provider-support";
import type { ForgeWaits } from "./settings-from-env";
import { waitFor } from "./wait-for";

export interface ForgeSecurityRuleInputs {
  organization: string;
  serverId: number;
  siteId: string;
  /** The site's domain: ties the rule to its site for policies and messages before Forge has given the site an id. */
  domain: string;
  /** The rule's name, which browsers show in their login prompt (`names.app`). */
  name: string;
  /** The basic-auth user. */
  user: string;
  /** The basic-auth password (a Pulumi secret). Sent to Forge, never returned in outputs: see `credentialsHash`. */
  password: string;
  version: ProviderVersion;
}

/** The inputs without the password, and what Forge and this provider know of the rule. */
export interface ForgeSecurityRuleOutputs extends Omit<ForgeSecurityRuleInputs, "password"> {
  ruleId: string;
  /** The protected path as Forge has it: null, the whole site, is the only state this provider makes. */
  path: string | null;
  status: string;
  /**
   * A salted scrypt hash of `user` and `password` as last written, the thing diff compares: Forge never shows a
   * rule's credentials (it keeps them only in the server's .htpasswd), so the password cannot be read back, and
   * state keeps no password in its outputs. Empty when the rule was changed outside this stack (its `updated_at`
   * moved): the credentials are then unknown and the next `up` writes them again.
   */
  credentialsHash: string;
  /** The salt of `credentialsHash`, random per write. */
  credentialsSalt: string;
  /** Forge's `updated_at` of the rule as this provider left it. */
  updatedAt: string;
}

const USER = /^[A-Za-z0-9_.-]{1,50}$/;

/**
 * HTTP basic auth in front of a Forge site (type `pulumi-nodejs:dynamic/forge:SecurityRule`): one security rule
 * over the whole site with one user. Forge answers a write with 202 and installs the rule later (nginx and an
 * .htpasswd on the server), so every write is waited on until the rule is `installed`. Drift: a rule deleted by hand
 * reads as gone and is made again; a path, a name or a status changed by hand shows in the rule; credentials changed
 * by hand cannot be read, but the change moves the rule's `updated_at`, which reads as unknown credentials, written
 * again by the next `up`.
 */
export class ForgeSecurityRuleProvider implements pulumi.dynamic.ResourceProvider<ForgeSecurityRuleInputs, ForgeSecurityRuleOutputs> {
  async check(_olds: ForgeSecurityRuleInputs, news: ForgeSecurityRuleInputs): Promise<pulumi.dynamic.CheckResult<ForgeSecurityRuleInputs>> {
    const failures = serverRefFailures(news);
    if (typeof news.siteId !== "string" || news.siteId === "") failures.push({ property: "siteId", reason: "must be the Forge site's id" });
    if (typeof news.domain !== "string" || news.domain === "") failures.push({ property: "domain", reason: "must be the site's domain" });
    if (typeof news.name !== "string" || news.name.trim() === "" || news.name.length > 255) failures.push({ property: "name", reason: "must be 1-255 characters (the login prompt's title)" });
    if (typeof news.user !== "string" || !USER.test(news.user)) failures.push({ property: "user", reason: "must be 1-50 of [A-Za-z0-9_.-] (Forge allows 50)" });
    if (typeof news.password !== "string" || news.password.length < 16) failures.push({ property: "password", reason: "must be at least 16 characters (restant:previewPassword, or the generated one)" });
    return { inputs: news, failures };
  }

  async diff(_id: string, olds: ForgeSecurityRuleOutputs, news: ForgeSecurityRuleInputs): Promise<pulumi.dynamic.DiffResult> {
    const replaces = changedKeys<Partial<ForgeSecurityRuleInputs>>(olds, news, ["organization", "serverId", "siteId"]).map(String);
    const changed = [
      ...replaces,
      ...changedKeys<Partial<ForgeSecurityRuleInputs>>(olds, news, ["domain", "name", "version"]).map(String),
      ...((olds.path ?? null) !== null ? ["path"] : []),
      ...(olds.status !== "installed" ? ["status"] : []),
      ...(olds.credentialsHash !== credentialsHash(news.user, news.password, olds.credentialsSalt) ? ["user", "password"] : []),
    ];
    return { changes: changed.length > 0, replaces, deleteBeforeReplace: true, stables: ["ruleId"] };
  }

  async create(inputs: ForgeSecurityRuleInputs): Promise<pulumi.dynamic.CreateResult<ForgeSecurityRuleOutputs>> {
    const { client, waits } = forgeClientFor(inputs);
    // The site is this stack's own, so a rule of this name on it is too: one left by an interrupted `up`, written again.
    const leftOver = await client.securityRuleNamed(inputs.siteId, inputs.name);
    const ruleId = leftOver ? leftOver.id : (await client.createSecurityRule(inputs.siteId, ruleSpec(inputs))).id;
    if (leftOver) await client.updateSecurityRule(inputs.siteId, ruleId, ruleSpec(inputs));
    const outs = await settled(client, waits, ruleId, inputs, `basic auth on ${inputs.domain} (security rule ${ruleId}) to be installed`);
    return { id: ruleId, outs };
  }

  async read(id: string, props?: ForgeSecurityRuleOutputs): Promise<pulumi.dynamic.ReadResult<ForgeSecurityRuleOutputs>> {
    if (!props) return { id: "", props: undefined };
    const { client } = forgeClientFor(props);
    const live = await client.getSecurityRule(props.siteId, id);
    if (!live) return { id: "", props: undefined };
    const { name, path, updated_at: updatedAt } = live.attributes;
    const touched = updatedAt !== props.updatedAt;
    return { id, props: { ...props, name, path: path ?? null, status: statusOf(live), updatedAt, credentialsHash: touched ? "" : props.credentialsHash } };
  }

  async update(id: string, _olds: ForgeSecurityRuleOutputs, news: ForgeSecurityRuleInputs): Promise<pulumi.dynamic.UpdateResult<ForgeSecurityRuleOutputs>> {
    const { client, waits } = forgeClientFor(news);
    await client.updateSecurityRule(news.siteId, id, ruleSpec(news));
    return { outs: await settled(client, waits, id, news, `basic auth on ${news.domain} (security rule ${id}) to apply its changes`) };
  }

  async delete(id: string, props: ForgeSecurityRuleOutputs): Promise<void> {
    const { client, waits } = forgeClientFor(props);
    if (!(await client.deleteSecurityRule(props.siteId, id))) return;
    await waitFor(`basic auth on ${props.domain} (security rule ${id}) to be removed`, waits, async () => {
      const live = await client.getSecurityRule(props.siteId, id);
      return live ? { done: false, status: statusOf(live) } : { done: true, value: undefined };
    });
  }
}

/**
 * A rule's status. The reference allows null, which no pending change reports (those are installing, updating,
 * removing, failed): a rule with no status is taken as in place, rather than waited on until the limit.
 */
function statusOf(rule: SecurityRule): string {
  return rule.attributes.status ?? "installed";
}

/** One rule over the whole site (no path) with the one user. */
function ruleSpec(inputs: ForgeSecurityRuleInputs): SecurityRuleSpec {
  return { name: inputs.name, path: null, credentials: [{ username: inputs.user, password: inputs.password }] };
}

/** Waits for the rule to be installed and returns the outputs as Forge then has them, the credentials hashed. */
async function settled(client: ForgeClient, waits: ForgeWaits, ruleId: string, inputs: ForgeSecurityRuleInputs, what: string): Promise<ForgeSecurityRuleOutputs> {
  const live = await waitFor(what, waits, async () => {
    const rule = await client.getSecurityRule(inputs.siteId, ruleId);
    if (!rule) return { failed: "the rule disappeared" };
    const status = statusOf(rule);
    if (isFailedStatus(status)) return { failed: `status ${status}` };
    return status === "installed" ? { done: true, value: rule } : { done: false, status };
  });
  const { password, ...rest } = inputs;
  const salt = randomSalt();
  return {
    ...rest,
    ruleId,
    path: live.attributes.path ?? null,
    status: statusOf(live),
    credentialsHash: credentialsHash(inputs.user, password, salt),
    credentialsSalt: salt,
    updatedAt: live.attributes.updated_at,
  };
}

// node:crypto is required inside the functions: this module's code is serialized into state with the provider.

function randomSalt(): string {
  const { randomBytes } = require("node:crypto") as typeof import("node:crypto");
  return randomBytes(16).toString("base64");
}

/** scrypt, so the hash of a weak team password in state is slow to guess; "" without a salt (nothing to compare). */
function credentialsHash(user: string, password: string, salt: string | undefined): string {
  if (!salt || typeof password !== "string") return "";
  const { scryptSync } = require("node:crypto") as typeof import("node:crypto");
  return scryptSync(`${user}\n${password}`, salt, 32).toString("base64");
}
