import { afterEach, beforeAll, describe, expect, it } from "vitest";
import type * as pulumi from "@pulumi/pulumi";
import { requireBuilt } from "../support/built";
import { TEAM_ZONE } from "../support/team-values";
import { pointForgeProvidersAt } from "../doubles/forge/process-env";
import { startForgeDouble, type ForgeDouble } from "../doubles/forge/server";
import type { ForgeSecurityRuleInputs, ForgeSecurityRuleOutputs } from "../../components/forge/security-rule-provider";
import type { ForgeSiteInputs } from "../../components/forge/site-provider";

// The SecurityRule provider Pulumi's host runs: tsc output, serialized as into state, loaded back, driven against the
// Forge double over HTTP.
const TOKEN_CANARY = "forge-token-canary-security-rule";
process.env.FORGE_API_TOKEN = TOKEN_CANARY;
const PASSWORD = "team-preview-password-0123456789";
const { asPulumiHostRunsIt } = requireBuilt<typeof import("../support/serialized-provider")>("test/support/serialized-provider.ts");
const { ForgeSecurityRuleProvider } = requireBuilt<typeof import("../../components/forge/security-rule-provider")>("components/forge/security-rule-provider.ts");
const { ForgeSiteProvider } = requireBuilt<typeof import("../../components/forge/site-provider")>("components/forge/site-provider.ts");

type Provider<I, O> = Required<Omit<pulumi.dynamic.ResourceProvider<I, O>, "create">> & { create(inputs: I): Promise<{ id: string; outs: O }> };
let rules: Provider<ForgeSecurityRuleInputs, ForgeSecurityRuleOutputs>;
let sites: Provider<ForgeSiteInputs, unknown>;
let providerText = "";

beforeAll(async () => {
  const serialized = await asPulumiHostRunsIt(new ForgeSecurityRuleProvider());
  providerText = serialized.text;
  rules = serialized.provider as typeof rules;
  sites = (await asPulumiHostRunsIt(new ForgeSiteProvider())).provider as typeof sites;
});

let double: ForgeDouble;
let restore: () => void = () => undefined;
afterEach(async () => {
  restore();
  await double?.stop();
});

const DOMAIN = `restant.pr-7.${TEAM_ZONE}`;
let siteId = "";

/** A double with the preview's site installed, the providers pointed at it. */
async function withSite(): Promise<void> {
  double = await startForgeDouble({ rateWindowMs: 3_000, asyncMs: 5 });
  restore = pointForgeProvidersAt(double);
  const at = { organization: double.organization, serverId: double.serverId };
  siteId = (await sites.create({ ...at, domain: DOMAIN, webDirectory: "/public", phpVersion: "php84", isolatedUser: "restant-pr-7", repository: "git@github.com:restant-hq/restant.git", branch: "main", version: 1 })).id;
}

const inputs = (more: Partial<ForgeSecurityRuleInputs> = {}): ForgeSecurityRuleInputs => ({
  organization: double.organization,
  serverId: double.serverId,
  siteId,
  domain: DOMAIN,
  name: "restant-pr-7",
  user: "restant",
  password: PASSWORD,
  version: 1,
  ...more,
});

const onForge = () => double.state.site(Number(siteId))!.securityRules;

/** What a person does in Forge's dashboard, through the same API: it moves the rule's updated_at. */
async function byHand(method: string, ruleId: string, body?: unknown): Promise<void> {
  const response = await fetch(`${double.url}/orgs/${double.organization}/servers/${double.serverId}/sites/${siteId}/security-rules/${ruleId}`, {
    method,
    headers: { Authorization: `Bearer ${double.token}`, ...(body === undefined ? {} : { "Content-Type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  expect(response.status).toBe(202);
  double.state.finishPending();
}

describe("the Forge SecurityRule provider, run from its serialized text", () => {
  it("holds neither the token nor any password in the text Pulumi stores in state", () => {
    expect(providerText).toContain("security-rules");
    expect(providerText).not.toContain(TOKEN_CANARY);
    expect(providerText).not.toContain(PASSWORD);
  });

  it("creates one installed rule over the whole site; its outputs hold a salted hash, never the password", async () => {
    await withSite();
    const { id, outs } = await rules.create(inputs());
    expect(onForge()).toEqual([expect.objectContaining({ id: Number(id), name: "restant-pr-7", path: null, status: "installed", credentials: [{ username: "restant", password: PASSWORD }] })]);
    expect(outs).toMatchObject({ ruleId: id, user: "restant", path: null, status: "installed", domain: DOMAIN });
    expect(outs).not.toHaveProperty("password");
    expect(JSON.stringify(outs)).not.toContain(PASSWORD);
    expect(outs.credentialsHash).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    // The POST was the only request that carried the password; it is waited on to installed, then read once more.
    expect(double.writes().filter((r) => r.path.includes("/security-rules")).map((r) => `${r.method} ${r.status}`)).toEqual(["POST 202"]);
  });

  it("reads back unchanged and a second up writes nothing", async () => {
    await withSite();
    const { id, outs } = await rules.create(inputs());
    const writes = double.writes().length;
    const read = await rules.read(id, outs);
    expect(read).toMatchObject({ id, props: { credentialsHash: outs.credentialsHash, status: "installed" } });
    expect(await rules.diff(id, read.props!, inputs())).toMatchObject({ changes: false, replaces: [] });
    expect(double.writes().length - writes).toBe(0);
  });

  it("writes a password the program changed, in place", async () => {
    await withSite();
    const { id, outs } = await rules.create(inputs());
    const rotated = inputs({ password: "a-rotated-team-password-98765" });
    expect(await rules.diff(id, outs, rotated)).toMatchObject({ changes: true, replaces: [] });
    const updated = await rules.update(id, outs, rotated);
    expect(onForge()[0]!.credentials).toEqual([{ username: "restant", password: "a-rotated-team-password-98765" }]);
    expect((await rules.diff(id, updated.outs as ForgeSecurityRuleOutputs, rotated)).changes).toBe(false);
  });

  it("repairs a password changed by hand: Forge cannot show it, but the change moved the rule's updated_at", async () => {
    await withSite();
    const { id, outs } = await rules.create(inputs());
    await byHand("PUT", id, { name: "restant-pr-7", credentials: [{ username: "restant", password: "someone-typed-this-in-forge" }] });
    const read = await rules.read(id, outs);
    expect(read.props!.credentialsHash).toBe("");
    expect(await rules.diff(id, read.props!, inputs())).toMatchObject({ changes: true, replaces: [] });
    const repaired = await rules.update(id, read.props!, inputs());
    expect(onForge()[0]!.credentials).toEqual([{ username: "restant", password: PASSWORD }]);
    const again = await rules.read(id, repaired.outs as ForgeSecurityRuleOutputs);
    expect((await rules.diff(id, again.props!, inputs())).changes).toBe(false);
  });

  it("repairs a rule narrowed to one path by hand, and makes again a rule deleted by hand", async () => {
    await withSite();
    const { id, outs } = await rules.create(inputs());
    await byHand("PUT", id, { name: "restant-pr-7", path: "/admin", credentials: [{ username: "restant" }] });
    const narrowed = await rules.read(id, outs);
    expect(narrowed.props!.path).toBe("/admin");
    expect((await rules.diff(id, narrowed.props!, inputs())).changes).toBe(true);
    await rules.update(id, narrowed.props!, inputs());
    expect(onForge()[0]!.path).toBeNull();

    await byHand("DELETE", id);
    expect((await rules.read(id, outs)).id).toBe("");
    // The engine creates what a refresh found gone.
    const remade = await rules.create(inputs());
    expect(onForge()).toEqual([expect.objectContaining({ id: Number(remade.id), path: null, status: "installed", credentials: [{ username: "restant", password: PASSWORD }] })]);
  });

  it("takes a rule whose status Forge reports as null (the reference allows it) as in place: no drift, no endless wait", async () => {
    await withSite();
    const { id, outs } = await rules.create(inputs());
    (onForge()[0] as { status: string | null }).status = null;
    const read = await rules.read(id, outs);
    expect(read.props).toMatchObject({ status: "installed", path: null });
    expect((await rules.diff(id, read.props!, inputs())).changes).toBe(false);
  });

  it("takes over a rule of its name left on the site by an interrupted up, writing its credentials", async () => {
    await withSite();
    const first = await rules.create(inputs({ password: "an-older-password-000000" }));
    const again = await rules.create(inputs());
    expect(again.id).toBe(first.id);
    expect(onForge()).toHaveLength(1);
    expect(onForge()[0]!.credentials[0]!.password).toBe(PASSWORD);
  });

  it("deletes idempotently and leaves no rule", async () => {
    await withSite();
    const { id, outs } = await rules.create(inputs());
    await rules.delete(id, outs);
    await rules.delete(id, outs);
    expect(onForge()).toEqual([]);
    expect((await rules.read(id, outs)).id).toBe("");
  });

  it("refuses bad inputs naming the field, and never echoes the password", async () => {
    await withSite();
    const short = await rules.check(inputs(), inputs({ password: "short-secret", user: "rest ant" }));
    expect(short.failures!.map((f) => f.property)).toEqual(["user", "password"]);
    expect(JSON.stringify(short.failures)).not.toContain("short-secret");
    expect(short.failures![1]!.reason).toMatch(/at least 16 characters \(restant:previewPassword/);
    expect((await rules.check(inputs(), inputs())).failures).toEqual([]);
    // A site that does not exist: Forge's 404, the password nowhere in the error.
    const error = await rules.create(inputs({ siteId: "999999" })).catch((e: Error) => e);
    expect(String(error)).toMatch(/answered 404: No query results for model \[App\\Models\\Site\]/);
    expect(String(error)).not.toContain(PASSWORD);
  });
});
