import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Clock } from "../../../scripts/lifecycle/clock";
import { checkHealth, fetchHealthProbe, type HealthProbe, type ProbeResult } from "../../../scripts/lifecycle/health-check";

/** A clock whose sleeps only move its time: the ten-minute limit is tested without waiting. */
function fakeClock(): Clock & { slept: number[] } {
  let now = Date.parse("2026-11-28T12:00:00Z");
  const slept: number[] = [];
  return {
    slept,
    now: () => new Date(now),
    sleep: async (ms) => {
      slept.push(ms);
      now += ms;
    },
  };
}

/** Answers from a script, one result per attempt (the last repeats), recording what it was asked. */
function scriptedProbe(results: ProbeResult[]): HealthProbe & { asked: { url: string; auth?: string }[] } {
  const asked: { url: string; auth?: string }[] = [];
  return {
    asked,
    get: async (url, auth) => {
      asked.push({ url, ...(auth ? { auth: `${auth.user}:${auth.password}` } : {}) });
      return results[Math.min(asked.length - 1, results.length - 1)]!;
    },
  };
}

const OPTIONS = { timeoutMs: 10 * 60_000, firstDelayMs: 5_000, maxDelayMs: 60_000 };

describe("checkHealth", () => {
  it("is ready once /health answers 200, after backing off while it did not", async () => {
    const clock = fakeClock();
    const probe = scriptedProbe([{ kind: "unreachable", reason: "ECONNREFUSED" }, { kind: "answered", status: 502 }, { kind: "answered", status: 200 }]);
    const verdict = await checkHealth("https://restant.main.example.com/health", probe, clock, OPTIONS);
    expect(verdict).toEqual({ healthy: true, attempts: 3, waitedMs: 15_000, last: "200" });
    expect(clock.slept).toEqual([5_000, 10_000]);
  });

  it("gives up within the time limit with what it last saw, the backoff capped", async () => {
    const clock = fakeClock();
    const probe = scriptedProbe([{ kind: "answered", status: 503 }]);
    const verdict = await checkHealth("https://restant.main.example.com/health", probe, clock, OPTIONS);
    expect(verdict.healthy).toBe(false);
    expect(verdict.last).toBe("503");
    expect(verdict.waitedMs).toBeLessThanOrEqual(OPTIONS.timeoutMs);
    expect(Math.max(...clock.slept)).toBe(60_000);
    expect(clock.slept.slice(0, 5)).toEqual([5_000, 10_000, 20_000, 40_000, 60_000]);
  });

  it("sends the preview's basic auth, and a 401 is not healthy", async () => {
    const clock = fakeClock();
    const probe = scriptedProbe([{ kind: "answered", status: 401 }]);
    const verdict = await checkHealth("https://restant-pr-7.example.com/health", probe, clock, { ...OPTIONS, timeoutMs: 20_000 }, { user: "restant", password: "pw" });
    expect(verdict).toMatchObject({ healthy: false, last: "401" });
    expect(probe.asked[0]).toEqual({ url: "https://restant-pr-7.example.com/health", auth: "restant:pw" });
  });
});

describe("fetchHealthProbe against a real HTTPS server on loopback", () => {
  let dir: string;
  let server: Server;
  let url: string;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), "health-tls-"));
    execFileSync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
      "-keyout", path.join(dir, "key.pem"), "-out", path.join(dir, "cert.pem")], { stdio: "ignore" });
    server = createServer({ key: readFileSync(path.join(dir, "key.pem")), cert: readFileSync(path.join(dir, "cert.pem")) }, (_request, response) => {
      response.writeHead(200).end("ok");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/health`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server?.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  it("refuses a certificate nobody trusts, even though the server answers 200", async () => {
    expect(await fetchHealthProbe.get(url)).toEqual({ kind: "unreachable", reason: "certificate not valid (DEPTH_ZERO_SELF_SIGNED_CERT)" });
  });

  it("reports a closed port as unreachable", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const result = await fetchHealthProbe.get(`https://127.0.0.1:${port}/health`);
    expect(result).toEqual({ kind: "unreachable", reason: "ECONNREFUSED" });
  });
});
