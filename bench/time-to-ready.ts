import type * as pulumi from "@pulumi/pulumi";
import { chooseStack } from "../scripts/plan/choose-stack";
import { evaluateStack } from "../scripts/plan/evaluate";
import { planMocks } from "../scripts/plan/mock-state";
import { latencyOf } from "./latency-model";

/**
 * Time to ready of a preview, from the program's own dependency graph: the real program for `pr-7` is evaluated under
 * Pulumi's mocks, and each resource's mock answers only after its modelled latency (bench/latency-model.ts, scaled
 * to milliseconds), so a resource registers only when what it depends on has answered, as under the engine. Prints,
 * per snapshot size, the ready time, its critical path and the fully sequential sum; without and with a warm pool
 * member. Target: ≤ 120 s at 5 and 20 GB with a pool member.
 *
 *   npm run bench   (or: npm run build && node build/bench/time-to-ready.js)
 */

/** Real milliseconds per modelled second. */
const MS_PER_SECOND = 10;
const SIZES_GB = [0.1, 1, 5, 20];
const TARGET_SECONDS = 120;

interface Timed {
  urn: string;
  name: string;
  start: number;
  end: number;
  seconds: number;
  dependsOn: string[];
}

async function timeToReady(snapshotGb: number, poolMember: boolean): Promise<{ ready: number; critical: number; sequential: number; path: Timed[] }> {
  const times = new Map<string, { start: number; end: number; seconds: number }>();
  // The clock starts at the first registration: loading the program is not part of a preview's time to ready.
  let t0: number | undefined;
  const mocks: pulumi.runtime.Mocks = {
    async newResource(args) {
      const seconds = args.custom === false ? 0 : latencyOf(args.type, args.name, snapshotGb, poolMember).seconds;
      const start = Date.now();
      t0 ??= start;
      await new Promise((resolve) => setTimeout(resolve, seconds * MS_PER_SECOND));
      times.set(`${args.type}::${args.name}`, { start: (start - t0) / MS_PER_SECOND, end: (Date.now() - t0) / MS_PER_SECOND, seconds });
      return planMocks.newResource(args);
    },
    call: planMocks.call,
  };
  const result = await evaluateStack(chooseStack({ stack: "pr-7", branch: "feat/checkout" }), mocks);
  const timed: Timed[] = result.resources.flatMap((r) => {
    const t = times.get(`${r.type}::${r.name}`);
    return t ? [{ urn: r.urn, name: r.name, ...t, dependsOn: r.options.dependsOn }] : [];
  });
  const byUrn = new Map(timed.map((t) => [t.urn, t]));
  const last = timed.reduce((a, b) => (b.end > a.end ? b : a));
  // Walk back from the last resource to finish through the dependency that finished latest.
  const path: Timed[] = [last];
  for (let at = last; ; ) {
    const deps = at.dependsOn.map((urn) => byUrn.get(urn)).filter((t): t is Timed => t !== undefined && t.seconds > 0);
    if (deps.length === 0) break;
    at = deps.reduce((a, b) => (b.end > a.end ? b : a));
    path.unshift(at);
  }
  return { ready: last.end, critical: path.reduce((sum, t) => sum + t.seconds, 0), sequential: timed.reduce((sum, t) => sum + t.seconds, 0), path };
}

const s = (seconds: number) => `${seconds.toFixed(0)} s`;

export async function benchTimeToReady(print: (line: string) => void): Promise<boolean> {
  print(`modelled seconds (bench/latency-model.ts), run at ${MS_PER_SECOND} ms each; preview pr-7 of the real program`);
  print(
    "ready: the critical path's modelled latencies summed (the modelled time to ready); wall: the run's wall time in modelled " +
      `seconds, which adds the SDK's own work between resources scaled up ${1000 / MS_PER_SECOND}× (a few real ms per step show as seconds)`,
  );
  print("snapshot | pool member | ready  | wall   | sequential | critical path");
  await timeToReady(0.1, true); // warm-up: the first run also loads and compiles the program
  let met = true;
  for (const poolMember of [false, true]) {
    for (const gb of SIZES_GB) {
      const { ready, critical, sequential, path } = await timeToReady(gb, poolMember);
      const route = path.map((t) => `${t.name.replace(/^restant-/, "")} ${s(t.seconds)}`).join(" → ");
      print(`${String(gb).padStart(5)} GB | ${poolMember ? "yes" : "no "}         | ${s(critical).padStart(6)} | ${s(ready).padStart(6)} | ${s(sequential).padStart(10)} | ${route}`);
      if (poolMember && gb >= 5 && critical > TARGET_SECONDS) met = false;
    }
  }
  print(
    "pool member rows: the preview's database resource claims a warm pool member (components/dokku/mysql/pool-operations.ts), " +
      "modelled at the claim's target (2 s; bench/pool.ts measures it over SSH); the other rows clone directly (the pool is empty)",
  );
  print(`target: ready ≤ ${TARGET_SECONDS} s at 5 and 20 GB with a pool member: ${met ? "met" : "missed"}`);
  return met;
}

if (require.main === module) {
  benchTimeToReady(console.log).then(
    (ok) => (process.exitCode = ok ? 0 : 1),
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
