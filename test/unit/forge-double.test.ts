import { afterEach, describe, expect, it } from "vitest";
import { startForgeDouble, type ForgeDouble } from "../doubles/forge/server";
import { SteppedClock } from "../doubles/forge/clock";
import { BRANCH_HEAD } from "../doubles/forge/routes";

let double: ForgeDouble;
afterEach(async () => double?.stop());

async function call(method: string, path: string, body?: unknown, token: string | null = double.token): Promise<{ status: number; body: any; headers: Headers }> {
  const response = await fetch(`${double.url}${path}`, {
    method,
    headers: { Accept: "application/json", ...(token === null ? {} : { Authorization: `Bearer ${token}` }), ...(body === undefined ? {} : { "Content-Type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text === "" ? undefined : JSON.parse(text), headers: response.headers };
}

const server = () => `/orgs/${double.organization}/servers/${double.serverId}`;
const site = { domain_mode: "custom", name: "restant.pr-7.example.com", web_directory: "/public", php_version: "php84", is_isolated: true, isolated_user: "restant-pr-7", repository: "https://git.example.com/restant.git", branch: "main" };

describe("the Forge double", () => {
  it("answers 401 without a token, with a wrong one, and with one revoked by a rotation", async () => {
    double = await startForgeDouble();
    expect((await call("GET", `${server()}/sites`, undefined, null)).status).toBe(401);
    expect((await call("GET", `${server()}/sites`, undefined, "forge-double-wrong")).status).toBe(401);
    const old = double.token;
    double.rotateToken();
    expect((await call("GET", `${server()}/sites`, undefined, old)).body).toEqual({ message: "Unauthenticated." });
    expect((await call("GET", `${server()}/sites`)).status).toBe(200);
  });

  it("makes a site with 202, a string id and a status that moves from installing to installed", async () => {
    const clock = new SteppedClock();
    double = await startForgeDouble({ asyncMs: 50, clock });
    const made = await call("POST", `${server()}/sites`, site);
    expect(made.status).toBe(202);
    expect(made.body.data).toMatchObject({ type: "sites", attributes: { name: site.name, status: "installing", user: "restant-pr-7", isolated: true } });
    expect(typeof made.body.data.id).toBe("string");
    // Read at the organization's /sites/{site}, not under the server.
    const status = async () => (await call("GET", `/orgs/${double.organization}/sites/${made.body.data.id}`)).body.data.attributes.status as string;
    clock.advance(49);
    expect(await status()).toBe("installing");
    clock.advance(1);
    expect(await status()).toBe("installed");
  });

  it("refuses bad input with 422 and the field's message, and unknown things with 404 and a message", async () => {
    double = await startForgeDouble();
    const bad = await call("POST", `${server()}/sites`, { ...site, name: "not a domain", php_version: "php5" });
    expect(bad.status).toBe(422);
    expect(bad.body.errors).toEqual({ name: ["The name field must be a valid domain."], php_version: ["The selected php version is invalid."] });
    expect(bad.body.message).toMatch(/valid domain\. \(and 1 more error\)/);
    expect(double.state.sites).toEqual([]);
    await call("POST", `${server()}/sites`, site);
    expect((await call("POST", `${server()}/sites`, site)).body.errors.name).toEqual(["The name has already been taken."]);
    const missing = await call("GET", `/orgs/${double.organization}/servers/999/sites`);
    expect(missing).toMatchObject({ status: 404, body: { message: expect.stringMatching(/Server/) } });
    expect((await call("GET", `/orgs/someone-else/servers/${double.serverId}/sites`)).status).toBe(404);
  });

  it("pages lists by cursor: page[size] items and meta.next_cursor until the end", async () => {
    double = await startForgeDouble();
    for (let i = 0; i < 7; i += 1) await call("POST", `${server()}/database/schemas`, { name: `db_${i}` });
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const answer: { body: { data: { attributes: { name: string } }[]; meta: { next_cursor: string | null } } } = await call("GET", `${server()}/database/schemas?page[size]=3${cursor ? `&page[cursor]=${cursor}` : ""}`);
      seen.push(...answer.body.data.map((d) => d.attributes.name));
      cursor = answer.body.meta.next_cursor;
      pages += 1;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual(["db_0", "db_1", "db_2", "db_3", "db_4", "db_5", "db_6"]);
    expect((await call("GET", `${server()}/database/schemas`)).body.data).toHaveLength(7);
  });

  it("counts requests per user in a window: X-RateLimit-* on every answer, then 429 with Retry-After and the reset time", async () => {
    const clock = new SteppedClock();
    double = await startForgeDouble({ rateLimit: 3, rateWindowMs: 1_000, clock });
    const answers = [];
    for (let i = 0; i < 4; i += 1) answers.push(await call("GET", `${server()}/sites`));
    expect(answers.map((a) => a.headers.get("x-ratelimit-remaining"))).toEqual(["2", "1", "0", "0"]);
    expect(answers[0]!.headers.get("x-ratelimit-limit")).toBe("3");
    const refused = answers[3]!;
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(Number(refused.headers.get("x-ratelimit-reset")) * 1000).toBe(clock.now() + 1_000);
    clock.advance(999);
    expect((await call("GET", `${server()}/sites`)).status).toBe(429);
    clock.advance(1);
    expect((await call("GET", `${server()}/sites`)).status).toBe(200);
  });

  it("runs a deployment queued → deploying → finished, or failed with its log when told to", async () => {
    const clock = new SteppedClock();
    double = await startForgeDouble({ asyncMs: 30, clock });
    const made = (await call("POST", `${server()}/sites`, site)).body.data.id as string;
    clock.advance(30);
    const passing = (await call("POST", `${server()}/sites/${made}/deployments`)).body.data;
    expect(passing.attributes.status).toBe("queued");
    double.state.failNextDeploymentWith = "composer install\nYour lock file does not contain a compatible set of packages.";
    const failing = (await call("POST", `${server()}/sites/${made}/deployments`)).body.data.id as string;
    const deployment = async (id: string) => (await call("GET", `${server()}/sites/${made}/deployments/${id}`)).body.data.attributes.status as string;
    clock.advance(30);
    expect([await deployment(passing.id as string), await deployment(failing)]).toEqual(["deploying", "deploying"]);
    clock.advance(30);
    expect([await deployment(passing.id as string), await deployment(failing)]).toEqual(["finished", "failed"]);
    expect((await call("GET", `${server()}/sites/${made}/deployments/${failing}/log`)).body.data.attributes.output).toMatch(/lock file/);
  });

  it("keeps a site's security rules: 202 and installing → installed, updated_at moving with every change, no credential in any answer", async () => {
    const clock = new SteppedClock();
    double = await startForgeDouble({ asyncMs: 40, clock });
    const siteId = (await call("POST", `${server()}/sites`, site)).body.data.id as string;
    const rules = `${server()}/sites/${siteId}/security-rules`;
    clock.advance(40);
    const made = await call("POST", rules, { name: "restant-pr-7", credentials: [{ username: "restant", password: "a-long-secret-password" }] });
    expect(made.status).toBe(202);
    expect(made.body.data).toMatchObject({ type: "securityRules", attributes: { name: "restant-pr-7", path: null, status: "installing" } });
    const id = made.body.data.id as string;
    expect(typeof id).toBe("string");
    const show = async () => (await call("GET", `${rules}/${id}`)).body.data.attributes as { status: string; updated_at: string };
    const createdAt = (await show()).updated_at;
    clock.advance(39);
    expect((await show()).status).toBe("installing");
    clock.advance(1);
    const installed = await show();
    expect(installed.status).toBe("installed");
    expect(installed.updated_at).not.toBe(createdAt);
    // An update without a password keeps the user's; the server holds the credentials, no answer does.
    clock.advance(1_000);
    expect((await call("PUT", `${rules}/${id}`, { name: "restant-pr-7", path: null, credentials: [{ username: "restant" }] })).status).toBe(202);
    expect(double.state.site(Number(siteId))!.securityRules[0]!.credentials).toEqual([{ username: "restant", password: "a-long-secret-password" }]);
    expect(await show()).toMatchObject({ status: "updating" });
    expect((await show()).updated_at).not.toBe(installed.updated_at);
    const listed = await call("GET", rules);
    expect(listed.body.data).toHaveLength(1);
    expect(JSON.stringify(listed.body)).not.toContain("a-long-secret-password");
    expect((await call("DELETE", `${rules}/${id}`)).status).toBe(202);
    clock.advance(40);
    expect((await call("GET", `${rules}/${id}`)).status).toBe(404);
    expect((await call("DELETE", `${rules}/${id}`)).status).toBe(404);
  });

  it("refuses a security rule without a name, credentials, a username or (on create) a password, naming each field", async () => {
    double = await startForgeDouble({ asyncMs: 1 });
    const siteId = (await call("POST", `${server()}/sites`, site)).body.data.id as string;
    double.state.finishPending();
    const rules = `${server()}/sites/${siteId}/security-rules`;
    const none = await call("POST", rules, {});
    expect(none.status).toBe(422);
    expect(none.body.errors).toEqual({ name: ["The name field is required."], credentials: ["The credentials field is required."] });
    const empty = await call("POST", rules, { name: "x", credentials: [] });
    expect(empty.body.errors).toEqual({ credentials: ["The credentials field must have at least 1 items."] });
    const bad = await call("POST", rules, { name: "x".repeat(256), path: "/" + "p".repeat(255), credentials: [{ username: "u".repeat(51) }, { password: "only-a-password" }] });
    expect(bad.body.errors).toEqual({
      name: ["The name field must not be greater than 255 characters."],
      path: ["The path field must not be greater than 255 characters."],
      "credentials.0.username": ["The credentials.0.username field must not be greater than 50 characters."],
      "credentials.0.password": ["The credentials.0.password field is required."],
      "credentials.1.username": ["The credentials.1.username field is required."],
    });
    expect(double.state.site(Number(siteId))!.securityRules).toEqual([]);
    expect((await call("GET", `${rules}/4242`)).body).toEqual({ message: "No query results for model [App\\Models\\SecurityRule]." });
  });

  it("deploys the commit the site's deploy script checks out (else the branch's head), and forgets a removed site's deployments", async () => {
    const clock = new SteppedClock();
    double = await startForgeDouble({ asyncMs: 30, clock });
    const made = (await call("POST", `${server()}/sites`, site)).body.data.id as string;
    clock.advance(30);
    const commitOf = async () => (await call("POST", `${server()}/sites/${made}/deployments`)).body.data.attributes.commit.hash as string;
    await call("PUT", `${server()}/sites/${made}/deployments/script`, { content: "git pull origin main\n" });
    expect(await commitOf()).toBe(BRANCH_HEAD);
    const exact = "89abcdef0123456789abcdef0123456789abcdef";
    await call("PUT", `${server()}/sites/${made}/deployments/script`, { content: `git fetch --force origin main\ngit checkout --force --detach ${exact}\n` });
    expect(await commitOf()).toBe(exact);
    expect(double.state.deployments.map((d) => d.commit)).toEqual([BRANCH_HEAD, exact]);

    await call("DELETE", `${server()}/sites/${made}`);
    clock.advance(90);
    expect((await call("GET", `${server()}/sites`)).body.data).toEqual([]);
    expect(double.state.deployments).toEqual([]);
  });
});
