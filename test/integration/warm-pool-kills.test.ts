import type * as pulumi from "@pulumi/pulumi";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requireBuilt } from "../support/built";
import { cutAfterConnect, startLatencyProxy } from "../support/latency-proxy";
import { type SnapshotServer, startSnapshotServer } from "../support/snapshot-server";
import { type WarmPoolOnServer, warmPoolOn } from "../support/warm-pool";

type Harness = typeof import("../support/serialized-provider");
type ServiceProvider = typeof import("../../components/dokku/mysql/mysql-service-provider");
type Snapshot = typeof import("../support/snapshot-data");
type Inventory = typeof import("../../scripts/lifecycle/dokku-server-inventory");

const { asPulumiHostRunsIt } = requireBuilt<Harness>("test/support/serialized-provider.ts");
const { mysqlServiceProvider } = requireBuilt<ServiceProvider>("components/dokku/mysql/mysql-service-provider.ts");
const { loadSnapshot } = requireBuilt<Snapshot>("test/support/snapshot-data.ts");
const { DokkuServerInventory } = requireBuilt<Inventory>("scripts/lifecycle/dokku-server-inventory.ts");

const SNAPSHOT = "restant-snapshot";
const REDIS = "restant-previews";

/** What one preview's database create came to: the member it was given, or the error it failed with. */
interface Outcome {
  pr: number;
  member?: string;
  error?: string;
}

let at: SnapshotServer;
let warm: WarmPoolOnServer;
let databases: Required<pulumi.dynamic.ResourceProvider>;
/** Every preview whose create returned a member, and that member: what each preview's stack holds. */
const held = new Map<number, string>();
/** Every member the refill ever made ready: each must stay claimable, held or destroyed with its preview. */
const everReady = new Set<string>();

const inputs = (pr: number, port = at.server.port) => ({
  version: 3,
  target: { host: at.server.host, port, user: "dokku" as const, hostKey: at.server.hostKey },
  service: `restant-pr-${pr}`,
  cloneFrom: SNAPSHOT,
  pool: { ...warm.pool, holder: `pr-${pr}`, app: `restant-pr-${pr}` },
});

/** A preview's database create (its `pulumi up`), through `port`: the member, or the failure. */
async function create(pr: number, port?: number): Promise<Outcome> {
  let result: pulumi.dynamic.CreateResult;
  try {
    result = await databases.create(inputs(pr, port));
  } catch (error) {
    return { pr, error: (error as Error).message };
  }
  expect(result.outs.source, `pr-${pr} claimed from a pool kept fuller than its claimants`).toBe("pool");
  held.set(pr, result.outs.serviceInUse as string);
  return { pr, member: result.outs.serviceInUse as string };
}

/** A create whose SSH connection is dropped `afterMs` after it starts (a runner killed, a network cut). */
async function createCutAfter(pr: number, afterMs: number): Promise<Outcome> {
  const proxy = await startLatencyProxy(at.server.port, 0);
  const ended = cutAfterConnect(proxy, afterMs);
  try {
    return await create(pr, proxy.port);
  } finally {
    await ended();
    await proxy.stop();
  }
}

async function until(what: string, done: () => boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Commands left running on the server by clients that went away finish (or die) before anything is judged. */
const settle = () => until("the server's commands to finish", () => at.server.processesRunning() === 0);

/** Fills the pool to `size` ready members and remembers them. */
async function refill(size: number): Promise<void> {
  const run = await warm.refill(size);
  expect(run.code, run.stderr).toBe(0);
  for (const [member, record] of Object.entries(await warm.registry())) if (record.state === "ready") everReady.add(member);
}

/** Who holds what, as the registry says: holder → members. */
async function holdings(): Promise<Map<string, string[]>> {
  const byHolder = new Map<string, string[]>();
  for (const [member, record] of Object.entries(await warm.registry())) {
    if (record.state === "claimed" && record.holder !== undefined) byHolder.set(record.holder, [...(byHolder.get(record.holder) ?? []), member]);
  }
  return byHolder;
}

/**
 * The invariants: no member is any two previews' (stacks hold distinct members, each recorded as its holder's, no
 * holder holds two), and none is lost (every member service is in the registry and every record has its service; every
 * member ever made ready is still recorded, or was destroyed with the preview or by the reaper, which forget it).
 */
async function expectNoMemberSharedOrLost(): Promise<void> {
  const records = await warm.registry();
  const stacks = [...held.values()];
  expect(new Set(stacks).size).toBe(stacks.length);
  for (const [pr, member] of held) expect(records[member], `pr-${pr}'s ${member}`).toMatchObject({ state: "claimed", holder: `pr-${pr}` });
  for (const [holder, members] of await holdings()) expect(members, `held by ${holder}`).toHaveLength(1);
  expect(Object.keys(records).sort()).toEqual(warm.memberServices());
  for (const member of everReady) expect(records[member] ?? `${member} lost`).toMatchObject({ state: expect.stringMatching(/^(ready|claimed)$/) });
}

/** Every failed create is retried as the next `up` would; it gets the member its holder already held, if any. */
async function retryFailed(outcomes: readonly Outcome[]): Promise<void> {
  const before = await holdings();
  for (const failed of outcomes.filter((o) => o.error !== undefined)) {
    const retried = await create(failed.pr);
    expect(retried.error, `pr-${failed.pr}'s retry`).toBeUndefined();
    const heldBefore = before.get(`pr-${failed.pr}`);
    if (heldBefore !== undefined) expect(retried.member, `pr-${failed.pr} converges on what it held`).toBe(heldBefore[0]);
  }
}

/**
 * Five claims on a pool of five, each held on the server in `dokku <subcommand>` (a hang fault), then interrupted
 * there: their `dokku` processes killed, or their connections cut. Answers the outcomes (all failed) once every
 * command left on the server has finished or died.
 */
async function claimsInterrupted(subcommand: string, firstPr: number, how: "kill" | "cut"): Promise<Outcome[]> {
  await refill(5);
  at.server.injectFault({ kind: "hang", command: subcommand, ms: 1500 });
  const proxies = how === "cut" ? await Promise.all(Array.from({ length: 5 }, () => startLatencyProxy(at.server.port, 0))) : [];
  const claims = Array.from({ length: 5 }, (_, i) => create(firstPr + i, proxies[i]?.port));
  await until(`five claims held in ${subcommand}`, () => at.server.processesRunning(subcommand) === 5);
  if (how === "kill") expect(at.server.killCommands(subcommand)).toBe(5);
  for (const proxy of proxies) proxy.cut();
  const outcomes = await Promise.all(claims);
  await Promise.all(proxies.map((proxy) => proxy.stop()));
  await settle();
  at.server.clearFaults();
  expect(outcomes.every((o) => o.error !== undefined)).toBe(true);
  return outcomes;
}

beforeAll(async () => {
  at = await startSnapshotServer([SNAPSHOT]);
  warm = await warmPoolOn(at, SNAPSHOT, REDIS);
  await loadSnapshot(at.mariadb(), at.databaseOf(SNAPSHOT), 0.01);
  process.env.DOKKU_SSH_PRIVATE_KEY = at.server.privateKey;
  ({ provider: databases } = (await asPulumiHostRunsIt(mysqlServiceProvider)) as { provider: Required<pulumi.dynamic.ResourceProvider> });
}, 120_000);

afterAll(async () => {
  delete process.env.DOKKU_SSH_PRIVATE_KEY;
  await at?.stop();
});

describe("killing warm pool claims mid-way (real sshd, Redis and MariaDB) never gives one member to two previews", () => {
  it("connections cut at many points during claims, beside claims that finish: distinct members, nothing lost, retries converge", async () => {
    await refill(1);
    const started = Date.now();
    expect((await create(1)).member).toBeDefined();
    const alone = Date.now() - started;
    for (const round of [0, 1]) {
      const cut = 10;
      await refill(cut + 4);
      // Cut points spread over a claim's duration under this load (about four times one alone), shifted each round.
      const step = (4 * alone) / cut;
      const outcomes = await Promise.all([
        ...Array.from({ length: 4 }, (_, i) => create(100 * (round + 1) + i)),
        ...Array.from({ length: cut }, (_, i) => createCutAfter(100 * (round + 1) + 50 + i, Math.round((i + round / 2) * step))),
      ]);
      await settle();
      expect(outcomes.filter((o) => o.error !== undefined).length, "some claims were cut").toBeGreaterThan(0);
      await expectNoMemberSharedOrLost();
      await retryFailed(outcomes);
      await expectNoMemberSharedOrLost();
    }
  }, 600_000);

  it.each([
    { when: "before the claim script ran: nothing is held, and the retry claims", subcommand: "redis:connect", firstPr: 300, holds: 0 },
    { when: "after the claim was recorded (the answer lost): each holds one member, and its retry gets that one back", subcommand: "mysql:links", firstPr: 400, holds: 1 },
  ])("the server's dokku killed $when", async ({ subcommand, firstPr, holds }) => {
    const outcomes = await claimsInterrupted(subcommand, firstPr, "kill");
    const holders = await holdings();
    for (const o of outcomes) expect(holders.get(`pr-${o.pr}`) ?? [], `pr-${o.pr}`).toHaveLength(holds);
    await expectNoMemberSharedOrLost();
    await retryFailed(outcomes);
    await expectNoMemberSharedOrLost();
  }, 300_000);

  it("connections dropped while the server still runs the claim: the claim lands after the client gave up; a retry converges, and the reaper recovers one never retried", async () => {
    const outcomes = await claimsInterrupted("redis:connect", 500, "cut");
    const holders = await holdings();
    for (const o of outcomes) expect(holders.get(`pr-${o.pr}`), `pr-${o.pr}`).toHaveLength(1);
    await expectNoMemberSharedOrLost();

    // pr-504's stack is gone (its PR closed before any retry): the reaper's inventory finds its member and removes it.
    const orphan = holders.get("pr-504")![0]!;
    const inventory = new DokkuServerInventory({
      ssh: { host: at.server.host, port: at.server.port, user: "dokku", hostKey: at.server.hostKey, privateKey: at.server.privateKey },
      redis: { service: REDIS, registry: "restant:redis-slots", range: { first: 1, last: 2 } },
      pool: warm.pool,
    });
    const listed = (await inventory.list()).filter((r) => r.kind === "pool-member" && r.slug === "pr-504");
    expect(listed).toEqual([{ kind: "pool-member", name: orphan, slug: "pr-504" }]);
    await inventory.remove(listed[0]!);
    everReady.delete(orphan);
    expect(at.services()[orphan]).toBeUndefined();
    expect((await warm.registry())[orphan]).toBeUndefined();

    await retryFailed(outcomes.filter((o) => o.pr !== 504));
    await expectNoMemberSharedOrLost();
  }, 300_000);

  it("after all of it the refill finds nothing to retire or destroy, and destroying every preview frees every member", async () => {
    const run = await warm.refill(1);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).not.toMatch(/retired |destroyed /);
    await expectNoMemberSharedOrLost();
    await Promise.all([...held].map(([pr, member]) => databases.delete(member, { ...inputs(pr), serviceInUse: member, source: "pool" })));
    for (const member of held.values()) everReady.delete(member);
    held.clear();
    const records = await warm.registry();
    expect(Object.values(records).filter((r) => r.state === "claimed")).toEqual([]);
    expect(Object.keys(records).sort()).toEqual(warm.memberServices());
  }, 300_000);
});
