import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { requireBuilt } from "../support/built";
import { startFlagsmithDouble, type FlagsmithDouble } from "../doubles/flagsmith/server";
import type { RetryClock, RetryPolicy } from "../../components/http/retry-policy";

const { FlagsmithClient } = requireBuilt<typeof import("../../components/flagsmith/client")>("components/flagsmith/client.ts");
const { send } = requireBuilt<typeof import("../../components/flagsmith/transport")>("components/flagsmith/transport.ts");
const { backoffDelayMs, retryAfterMs } = requireBuilt<typeof import("../../components/http/retry-policy")>("components/http/retry-policy.ts");

// Attempt timeouts long enough that a loaded CI machine answering slowly is not mistaken for a hang.
const QUICK: RetryPolicy = { attemptTimeoutMs: 1_000, retryWithinMs: 4_000, baseDelayMs: 20, maxDelayMs: 200, maxAttempts: 20 };

let double: FlagsmithDouble;
beforeEach(async () => {
  double = await startFlagsmithDouble();
});
afterEach(async () => double.stop());

/**
 * A clock whose sleeps only move its time: backoff and Retry-After waits cost nothing, and the budget counts them. The
 * network's own time (an attempt that hangs until its timeout) still passes for real and counts too.
 */
function fakeClock(): RetryClock & { slept: number[] } {
  let skipped = 0;
  const slept: number[] = [];
  return {
    slept,
    now: () => Date.now() + skipped,
    sleep: async (ms) => {
      slept.push(ms);
      skipped += ms;
    },
  };
}

let clock: ReturnType<typeof fakeClock>;
beforeEach(() => {
  clock = fakeClock();
});

const client = (policy: Partial<RetryPolicy> = {}, adminApiKey = double.adminKey) =>
  new FlagsmithClient({ apiUrl: double.url, adminApiKey }, { ...QUICK, ...policy }, clock);
const listPath = () => `/api/v1/environments/?project=${double.project.id}`;
/** The work's result or error, and the time it took on the test's clock (its sleeps included). */
async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; result: T | Error }> {
  const started = clock.now();
  const result = await work().catch((error: Error) => error);
  return { ms: clock.now() - started, result };
}

describe("the Flagsmith client's retries", () => {
  it("waits out a 429 as long as Retry-After says, then succeeds", async () => {
    double.faults.add({ answer: 429, retryAfterSeconds: 1 });
    const { ms, result } = await timed(() => client().listEnvironments(double.project.id));
    expect(result).toEqual([]);
    expect(clock.slept).toEqual([1000]);
    expect(ms).toBeGreaterThanOrEqual(1000);
    expect(double.requests.map((r) => r.status)).toEqual([429, 200]);
  });

  it("gives up at once, naming the limit, when Retry-After reaches past the time it may take", async () => {
    double.faults.add({ answer: 429, retryAfterSeconds: 30 });
    const { ms, result } = await timed(() => client().listEnvironments(double.project.id));
    expect((result as Error).message).toMatch(/GET \/api\/v1\/environments\/\?project=1 answered 429: .*gave up after 1 attempts.*next try in 30s would pass the 4s limit/);
    expect(ms).toBeLessThan(500);
    expect(clock.slept).toEqual([]);
    expect(double.requests).toHaveLength(1);
  });

  it("retries 5xx and hanging answers of a GET with backoff until one succeeds", async () => {
    double.faults.add({ answer: 500, times: 2 });
    double.faults.add({ answer: "hang" });
    double.faults.add({ answer: 502 });
    const { ms, result } = await timed(() => client().listEnvironments(double.project.id));
    expect(result).toEqual([]);
    expect(double.requests.map((r) => r.status)).toEqual([500, 500, "hang", 502, 200]);
    expect(ms).toBeGreaterThanOrEqual(QUICK.attemptTimeoutMs);
    // A backoff wait after each of the four failures, each below its doubling ceiling.
    expect(clock.slept).toHaveLength(4);
    clock.slept.forEach((wait, i) => expect(wait).toBeLessThan(Math.min(QUICK.maxDelayMs, QUICK.baseDelayMs * 2 ** i)));
  });

  it("stops within its time budget when the server keeps failing", async () => {
    double.faults.add({ answer: 500, times: 1000 });
    const { ms, result } = await timed(() => client({ maxAttempts: 1000 }).listEnvironments(double.project.id));
    expect((result as Error).message).toMatch(/answered 500: .*gave up after \d+ attempts in [\d.]+s/);
    expect(ms).toBeLessThanOrEqual(QUICK.retryWithinMs + QUICK.attemptTimeoutMs);
    expect(double.requests.length).toBeGreaterThan(3);
    expect(double.requests).toHaveLength(clock.slept.length + 1);
  });

  it("stops within its time budget when the server hangs, each attempt cut at its timeout", async () => {
    // Every attempt hangs, so a short real timeout cannot be mistaken for a slow answer.
    const policy = { maxAttempts: 1000, attemptTimeoutMs: 250, retryWithinMs: 1_000 };
    double.faults.add({ answer: "hang", times: 1000 });
    const { ms, result } = await timed(() => client(policy).listEnvironments(double.project.id));
    expect((result as Error).message).toMatch(/failed: no answer within \d+ms; gave up/);
    expect(ms).toBeLessThanOrEqual(policy.retryWithinMs + policy.attemptTimeoutMs);
    expect(double.requests.length).toBeGreaterThan(1);
    expect(double.requests.length).toBeLessThanOrEqual(Math.ceil(policy.retryWithinMs / policy.attemptTimeoutMs) + 1);
  });

  it("stops after its most attempts", async () => {
    double.faults.add({ answer: 503, times: 1000 });
    const { result } = await timed(() => client({ maxAttempts: 3 }).listEnvironments(double.project.id));
    expect((result as Error).message).toMatch(/answered 503: .*gave up after 3 attempts/);
    expect(double.requests).toHaveLength(3);
  });

  it("never retries a 400, 401, 403, 404 or 405: they will not change", async () => {
    const existing = double.state.createEnvironment(double.project, "taken");
    const attempts = async (work: () => Promise<unknown>, status: RegExp) => {
      const before = double.requests.length;
      await expect(work()).rejects.toThrow(status);
      return double.requests.length - before;
    };
    expect(await attempts(() => client().renameEnvironment("missing", "x"), /answered 404/)).toBe(1);
    expect(await attempts(() => client({}, "bad.key").listEnvironments(double.project.id), /answered 401/)).toBe(1);
    expect(await attempts(() => client().listEnvironments(999), /answered 400/)).toBe(1);
    expect(await attempts(() => send({ apiUrl: double.url, adminApiKey: double.adminKey }, QUICK, { method: "POST", target: "/environments/", body: { name: "x", project: 999 } }), /answered 403/)).toBe(1);
    expect(await attempts(() => send({ apiUrl: double.url, adminApiKey: double.adminKey }, QUICK, { method: "GET", target: `/environments/${existing.apiKey}/api-keys/1/` }), /answered 405/)).toBe(1);
    const before = double.requests.length;
    await expect(client().createEnvironment(double.project.id, "taken")).rejects.toThrow(/POST \/api\/v1\/environments\/ answered 400: .*already exists/);
    expect(double.requests.slice(before).filter((r) => r.method === "POST")).toHaveLength(1);
  });

  it("does not create twice when a POST failed after the server carried it out", async () => {
    double.faults.add({ answer: 500, afterApplying: true, method: "POST" });
    const created = await client().createEnvironment(double.project.id, "once");
    expect(created.name).toBe("once");
    double.faults.add({ answer: "hang", afterApplying: true, method: "POST" });
    await client().createServerKey(created.api_key, "app");
    double.faults.add({ answer: 504, afterApplying: true, method: "POST" });
    const staging = double.state.createEnvironment(double.project, "staging");
    await client().cloneEnvironment({ ...created, api_key: staging.apiKey, id: staging.id, name: "staging" }, "clone-once");
    expect(double.state.liveEnvironments(double.project.id).map((e) => e.name)).toEqual(["once", "staging", "clone-once"]);
    expect(double.state.serverKeysOf(double.state.environmentByKey(created.api_key)!)).toHaveLength(1);
    expect(double.requests.filter((r) => r.method === "POST")).toHaveLength(3);
  });

  it("sends a POST again when it failed without being carried out, or was throttled", async () => {
    double.faults.add({ answer: 500, method: "POST" });
    double.faults.add({ answer: 429, retryAfterSeconds: 0, method: "POST" });
    await client().createEnvironment(double.project.id, "second-try");
    expect(double.requests.filter((r) => r.method === "POST").map((r) => r.status)).toEqual([500, 429, 201]);
    expect(double.state.liveEnvironments(double.project.id)).toHaveLength(1);
  });

  it("follows every page, and refuses a next link to another server", async () => {
    for (let i = 0; i < 25; i += 1) double.state.createEnvironment(double.project, `env-${i}`);
    expect((await client().listEnvironments(double.project.id)).map((e) => e.name)).toEqual(Array.from({ length: 25 }, (_, i) => `env-${i}`));
    expect(double.requests.map((r) => r.path)).toEqual([listPath(), `${listPath()}&page=2`, `${listPath()}&page=3`]);
    const elsewhere = send({ apiUrl: double.url, adminApiKey: double.adminKey }, QUICK, { method: "GET", target: "http://169.254.169.254/api/v1/x" });
    await expect(elsewhere).rejects.toThrow(/link to another server/);
  });

  it("puts no admin key, server-side key or server address in an error", async () => {
    const connection = { apiUrl: double.url, adminApiKey: double.adminKey };
    double.faults.add({ answer: 500, times: 1000 });
    const error = await send(connection, { ...QUICK, retryWithinMs: 300 }, { method: "GET", target: `/environments/?echo=${double.adminKey}&k=ser.abcdef` }, clock).then(
      () => new Error("it succeeded"),
      (e: Error) => e,
    );
    expect(error.message).toMatch(/^Flagsmith GET \/api\/v1\/environments\/\?echo=\[redacted\]&k=ser\.\[redacted\] answered 500/);
    expect(error.message).not.toContain("127.0.0.1");
  });
});

describe("the retry arithmetic", () => {
  it("draws full-jitter waits below a doubling ceiling, capped", () => {
    expect([1, 2, 3, 4, 10].map((n) => backoffDelayMs(QUICK, n, 0.999))).toEqual([19, 39, 79, 159, 199]);
    expect(backoffDelayMs(QUICK, 5, 0)).toBe(0);
  });

  it("reads Retry-After as seconds or as an HTTP date", () => {
    const now = Date.parse("2026-01-01T00:00:00Z");
    expect(retryAfterMs("3", now)).toBe(3000);
    expect(retryAfterMs("Thu, 01 Jan 2026 00:00:05 GMT", now)).toBe(5000);
    expect(retryAfterMs(null, now)).toBeUndefined();
    expect(retryAfterMs("soon", now)).toBeUndefined();
  });
});
