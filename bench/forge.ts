import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { pointForgeProvidersAt } from "../test/doubles/forge/process-env";
import type { ForgeRequestLogEntry } from "../test/doubles/forge/server";
import { startForgeDouble } from "../test/doubles/forge/server";
import { createForgeEnvironment, destroyForgeEnvironment, forgeProviders, refreshForgeEnvironment } from "./forge-environment";

/**
 * What a Forge environment costs in API calls, against the Forge double (60 requests per window, 429 beyond): per
 * create, per no-op `up` (without and with --refresh) and per destroy; then five environments made at once by five
 * processes (five CI jobs) sharing one token, which must all succeed however often Forge says 429.
 *
 * Time is scaled down tenfold so the bench takes seconds: the window is 6 s (Forge's is 60 s), asynchronous work takes
 * 300 ms and is looked at every 500 ms (the providers' default is 5 s). Status looks depend on how long Forge takes;
 * they are counted apart.
 *
 *   npm run bench   (or: npm run build && node build/bench/forge.js)
 */

const WINDOW_MS = 6_000;
const ASYNC_MS = 300;
const POLL_MS = 500;
const CONCURRENT = 5;

interface Tally {
  writes: number;
  lists: number;
  looks: number;
  throttled: number;
}

function tally(entries: ForgeRequestLogEntry[]): Tally {
  const answered = entries.filter((e) => e.status !== 429);
  return {
    writes: answered.filter((e) => e.method !== "GET").length,
    lists: answered.filter((e) => e.method === "GET" && e.path.includes("page[size]")).length,
    looks: answered.filter((e) => e.method === "GET" && !e.path.includes("page[size]")).length,
    throttled: entries.length - answered.length,
  };
}

const line = (what: string, t: Tally) =>
  `${what.padEnd(34)} ${String(t.writes + t.lists + t.looks).padStart(4)} calls: ${t.writes} writes, ${t.lists} list reads, ${t.looks} reads and status looks` +
  (t.throttled > 0 ? `; ${t.throttled} answered 429` : "");

export async function benchForgeApiCalls(print: (line: string) => void): Promise<boolean> {
  const double = await startForgeDouble({ rateWindowMs: WINDOW_MS, asyncMs: ASYNC_MS });
  const restore = pointForgeProvidersAt(double, { pollMs: POLL_MS, limitMs: 120_000 });
  try {
    const providers = await forgeProviders();
    const at = { organization: double.organization, serverId: double.serverId };
    const since = (mark: number) => double.requests.slice(mark);

    let mark = double.requests.length;
    const made = await createForgeEnvironment(providers, at, 1);
    const created = tally(since(mark));
    print(line("create (7 resources)", created));
    print(`${"no-op up".padEnd(34)}    0 calls: check and diff compare inputs with state, no provider reads the API`);
    mark = double.requests.length;
    const drift = await refreshForgeEnvironment(made);
    const refreshed = tally(since(mark));
    print(line("no-op up --refresh", refreshed) + `; ${drift} changes seen`);
    mark = double.requests.length;
    await destroyForgeEnvironment(made);
    print(line("destroy", tally(since(mark))));

    // Five CI jobs at once: five processes, each with its own rate budget, one token.
    mark = double.requests.length;
    const started = Date.now();
    const run = promisify(execFile);
    const results = await Promise.all(
      Array.from({ length: CONCURRENT }, (_, i) =>
        run(process.execPath, [require.resolve("./forge-environment"), String(10 + i)], {
          env: { ...process.env, BENCH_FORGE_ORG: double.organization, BENCH_FORGE_SERVER: String(double.serverId) },
        }).then(
          ({ stdout }) => JSON.parse(stdout.trim().split("\n").pop()!) as { ok: boolean; ms: number; error?: string },
          (error: { stdout?: string }) => JSON.parse(String(error.stdout ?? "").trim().split("\n").pop() || '{"ok":false,"ms":0}') as { ok: boolean; ms: number; error?: string },
        ),
      ),
    );
    const together = tally(since(mark));
    const failed = results.filter((r) => !r.ok);
    print(line(`${CONCURRENT} creates at once (5 processes)`, together));
    print(
      `${CONCURRENT} creates at once: ${CONCURRENT - failed.length}/${CONCURRENT} succeeded in ${((Date.now() - started) / 1000).toFixed(1)}s ` +
        `(${(WINDOW_MS / 1000).toFixed(0)}s windows of 60; at Forge's 60 s window about ${(((Date.now() - started) * 10) / 60_000).toFixed(1)} min)`,
    );
    for (const failure of failed) print(`  FAILED: ${failure.error ?? "no answer"}`);
    const target = failed.length === 0;
    print(`target: no create fails on the rate limit: ${target ? "met" : "MISSED"}; a no-op up --refresh writes nothing: ${refreshed.writes === 0 ? "met" : "MISSED"}`);
    return target && refreshed.writes === 0;
  } finally {
    restore();
    await double.stop();
  }
}

if (require.main === module) {
  benchForgeApiCalls(console.log).then((ok) => (process.exitCode = ok ? 0 : 1));
}
