import { afterEach, describe, expect, it } from "vitest";
import { requireBuilt } from "../support/built";
import { SteppedClock } from "../doubles/forge/clock";
import { startForgeDouble, type ForgeDouble } from "../doubles/forge/server";
import type { RetryPolicy } from "../../components/http/retry-policy";
import type { ForgeClient as Client } from "../../components/forge/client";

// The Forge client's waits on a test's clock, shared with the double: the rate limit's real minute and a site's
// install take no real time, so the 429 storm and the 202 polling are tested at Forge's own figures.
const { ForgeClient } = requireBuilt<typeof import("../../components/forge/client")>("components/forge/client.ts");
const { waitFor } = requireBuilt<typeof import("../../components/forge/wait-for")>("components/forge/wait-for.ts");
const { forgeRetryPolicyFromEnv } = requireBuilt<typeof import("../../components/forge/settings-from-env")>("components/forge/settings-from-env.ts");

/** The policy a provider runs with: a 429 waits and does not count as an attempt, within five minutes. */
const POLICY: RetryPolicy = forgeRetryPolicyFromEnv();
const MINUTE = 60_000;

let double: ForgeDouble;
let clock: SteppedClock;
afterEach(async () => double?.stop());

async function start(options: { rateLimit?: number; asyncMs?: number } = {}): Promise<Client> {
  clock = new SteppedClock();
  double = await startForgeDouble({ rateWindowMs: MINUTE, clock, ...options });
  return new ForgeClient({ apiUrl: double.url, token: double.token, rateWindowMs: MINUTE }, POLICY, { organization: double.organization, serverId: double.serverId }, clock);
}

const site = (n: number) => ({ name: `restant.pr-${n}.restant.app`, web_directory: "/public", php_version: "php84", is_isolated: true, isolated_user: `restant-pr-${n}`, repository: "git@github.com:restant-hq/restant.git", branch: "main" });
const installed = (client: Client, id: string) => async () => {
  const live = await client.getSite(id);
  if (!live) return { failed: "gone" } as const;
  return live.attributes.status === "installed" ? ({ done: true, value: live } as const) : ({ done: false, status: live.attributes.status } as const);
};

describe("the Forge client's waits, on the test's clock", () => {
  it("polls a 202 site every 5 s until Forge has installed it (90 s of installing, no real wait)", async () => {
    const client = await start({ asyncMs: 90_000 });
    const made = await client.createSite(site(7));
    expect(made.attributes.status).toBe("installing");
    const live = await waitFor(`site ${made.id}`, { limitMs: 900_000, intervalMs: 5_000, clock }, installed(client, made.id));
    expect(live.attributes.status).toBe("installed");
    expect(clock.slept).toEqual(Array(18).fill(5_000));
  });

  it("gives up on a site stuck installing after FORGE_WAIT_LIMIT_MS of its clock, naming what and the last status", async () => {
    const client = await start();
    double.state.stuckSites.add(site(7).name);
    const made = await client.createSite(site(7));
    await expect(waitFor(`site ${made.id} to be installed`, { limitMs: 300_000, intervalMs: 5_000, clock }, installed(client, made.id))).rejects.toThrow(
      /gave up waiting for site \d+ to be installed after 300s \(limit 300s, FORGE_WAIT_LIMIT_MS\); its status is still "installing"/,
    );
    expect(clock.slept.reduce((a, b) => a + b, 0)).toBe(300_000);
  });

  it("rides out a 429 storm at Forge's 60 a minute: five environments' worth of requests at once all succeed, throttled, never failed", async () => {
    const client = await start({ rateLimit: 60 });
    // Another job on the same token has spent most of the window already.
    for (let i = 0; i < 55; i += 1) await fetch(`${double.url}/orgs/${double.organization}/servers/${double.serverId}/sites`, { headers: { Authorization: `Bearer ${double.token}` } });
    const started = clock.now();
    const made = await Promise.all(Array.from({ length: 5 }, (_, n) => client.createSite(site(n + 1))));
    const reads = await Promise.all(made.flatMap((s) => Array.from({ length: 20 }, () => client.getSite(s.id))));
    expect(reads.every((r) => r !== undefined)).toBe(true);
    expect(double.state.sites).toHaveLength(5);
    const ours = double.requests.slice(55);
    expect(ours.filter((r) => r.status === 429).length).toBeGreaterThan(0);
    expect(ours.filter((r) => r.status >= 400 && r.status !== 429)).toEqual([]);
    // 105 requests need two minutes' windows past the first; the waits were the clock's.
    expect(clock.now() - started).toBeGreaterThanOrEqual(MINUTE);
    expect(clock.now() - started).toBeLessThan(POLICY.retryWithinMs);
  });

  it("fails a request still throttled past FORGE_RETRY_WITHIN_MS, saying so, without the token", async () => {
    const client = await start({ rateLimit: 1 });
    const policy = { ...POLICY, retryWithinMs: 90_000 };
    const limited = new ForgeClient({ apiUrl: double.url, token: double.token, rateWindowMs: MINUTE }, policy, { organization: double.organization, serverId: double.serverId }, clock);
    await client.listSites();
    const error = await Promise.all([limited.listSites(), limited.listSites(), limited.listSites()]).catch((e: Error) => e);
    expect(String(error)).toMatch(/answered 429: Too Many Attempts\.; still throttled after \d+ waits for the rate limit within 90s|rate limit holds requests for \d+s, past the 90s limit/);
    expect(String(error)).not.toContain(double.token);
  });
});
