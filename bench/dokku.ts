import type * as pulumi from "@pulumi/pulumi";
import { dokkuAppProvider, type AppProps } from "../components/dokku/app";
import { withDokkuSession, type DokkuSshOptions } from "../components/dokku/client";
import { CommandLog } from "../test/doubles/dokku/state/command-log";
import { DokkuServer, startDokkuServer } from "../test/support/dokku-server";
import { type LatencyProxy, startLatencyProxy } from "../test/support/latency-proxy";
import { asPulumiHostRunsIt } from "../test/support/serialized-provider";

/**
 * What one DokkuApp operation costs over SSH, beside what the old shell scripts cost (one `ssh dokku@host` per
 * command, `config:set` per key). Connections are counted by a TCP forwarder in front of sshd; dokku commands,
 * mutating commands and restarts by the Dokku double; sequential round trips from wall time: each operation runs
 * directly and behind a latency proxy, and the extra time, less the connection handshakes, is divided by what one
 * command alone costs through the same proxy.
 *
 *   npm run bench   (or: npm run build && bash test/services/start.sh node build/bench/dokku.js)
 */

const DELAY_MS = 50;
const RUNS = 3;
const READ_ONLY = ["apps:exists", "config:export", "config:get", "domains:report", "ps:report"];

type Provider = Required<pulumi.dynamic.ResourceProvider<AppProps, AppProps>>;

/** A Laravel app's config, as TenantEnvironment sets it. */
const CONFIG: Record<string, string> = {
  APP_NAME: "Restant",
  APP_ENV: "staging",
  APP_DEBUG: "false",
  APP_URL: "https://restant.staging.example.com",
  APP_KEY: "base64:q2Yh1qQ1o0m1Zt3bYw0q2x8b3k1v9d4n5m6p7r8s9t0=",
  LOG_CHANNEL: "stderr",
  LOG_LEVEL: "info",
  SENTRY_ENVIRONMENT: "staging",
  SENTRY_LARAVEL_DSN: "https://abc@o1.ingest.sentry.io/2",
  FLAGSMITH_ENVIRONMENT_KEY: "ser.abcdef",
  REDIS_PREFIX: "restant_staging_",
  QUEUE_CONNECTION: "redis",
};

interface Figures {
  connections: number;
  commands: number;
  mutating: number;
  restarts: number;
  wallMs: number;
  /** Sequential dokku round trips, from the latency the proxy added. */
  roundTrips: number;
}

/** One way of doing an operation: `prepare` makes a fresh app in the state it needs, `run` is what is measured. */
interface Operation {
  prepare(app: string): Promise<void>;
  run(app: string, port: number): Promise<void>;
}

interface Context {
  server: DokkuServer;
  provider: Provider;
  direct: LatencyProxy;
  delayed: LatencyProxy;
  /** Last outputs per app, as state would hold them. */
  state: Map<string, AppProps>;
}

export async function benchDokkuApp(print: (line: string) => void = console.log): Promise<boolean> {
  const server = await startDokkuServer();
  const direct = await startLatencyProxy(server.port, 0);
  const delayed = await startLatencyProxy(server.port, DELAY_MS);
  const previousKey = process.env.DOKKU_SSH_PRIVATE_KEY;
  process.env.DOKKU_SSH_PRIVATE_KEY = server.privateKey;
  try {
    const provider = (await asPulumiHostRunsIt(dokkuAppProvider)).provider as Provider;
    return await report({ server, provider, direct, delayed, state: new Map() }, print);
  } finally {
    if (previousKey === undefined) delete process.env.DOKKU_SSH_PRIVATE_KEY;
    else process.env.DOKKU_SSH_PRIVATE_KEY = previousKey;
    await Promise.all([direct.stop(), delayed.stop()]);
    await server.stop();
  }
}

async function report(context: Context, print: (line: string) => void): Promise<boolean> {
  // Calibration: what an SSH connection alone, and one command on it, add behind the proxy.
  const connectOnly: Operation = { prepare: async () => undefined, run: (_app, port) => withDokkuSession(sshOptions(context, port), async () => undefined) };
  const oneCommand: Operation = {
    prepare: async () => undefined,
    run: (_app, port) => withDokkuSession(sshOptions(context, port), async (session) => void (await session.run(["apps:list"]))),
  };
  const connectTrips = (await measure(context, "calibrate", connectOnly, 0, 0)).networkTrips;
  const commandTrips = (await measure(context, "calibrate", oneCommand, 0, 0)).networkTrips - connectTrips;

  const operations: { name: string; ours: Operation; naive: Operation; target: (f: Figures) => string | undefined }[] = [
    {
      name: "create",
      ours: { prepare: async () => undefined, run: async (app, port) => void (await context.provider.create(inputs(context, app, port))) },
      naive: { prepare: async () => undefined, run: (app, port) => naiveCreate(context, app, port) },
      target: (f) => (f.connections <= 1 ? undefined : "create must use at most 1 connection"),
    },
    {
      name: "read (refresh)",
      ours: { prepare: (app) => deployed(context, app), run: async (app, port) => void (await context.provider.read(app, { ...context.state.get(app)!, target: dokkuTarget(context, port) })) },
      naive: { prepare: (app) => deployed(context, app), run: (app, port) => naiveRead(context, app, port) },
      target: (f) => (f.connections === 1 && Math.round(f.roundTrips) === 1 ? undefined : "read must be 1 connection and 1 round trip"),
    },
    {
      name: "no-op update",
      ours: { prepare: (app) => deployed(context, app), run: (app, port) => update(context, app, port, {}) },
      naive: { prepare: (app) => deployed(context, app), run: (app, port) => naiveApply(context, app, port, CONFIG) },
      target: (f) => (f.mutating === 0 && f.restarts === 0 ? undefined : "a no-op must run 0 mutating commands and restart nothing"),
    },
    {
      name: "one config key",
      ours: { prepare: (app) => deployed(context, app), run: (app, port) => update(context, app, port, { APP_DEBUG: "true" }) },
      naive: { prepare: (app) => deployed(context, app), run: (app, port) => naiveApply(context, app, port, { ...CONFIG, APP_DEBUG: "true" }) },
      target: (f) => (f.mutating === 1 && f.restarts <= 1 ? undefined : "one key must be 1 mutating command and at most 1 restart"),
    },
  ];

  print(`DokkuApp over SSH with ${DELAY_MS} ms added each way (a round trip costs ${2 * DELAY_MS} ms); medians of ${RUNS} runs.`);
  print(`Calibration: an SSH connection costs ${connectTrips.toFixed(1)} network round trips, one dokku command on it ${commandTrips.toFixed(1)} more.`);
  print("A `pulumi up` with no change never reaches update (diff answers no change): 0 connections; the row below is update called anyway.");
  print("");
  const header = ["operation", "conns", "cmds", "mutating", "restarts", "round trips", "wall ms"];
  print(`${header[0].padEnd(16)} ${"".padEnd(6)} ${header.slice(1).map((h) => h.padStart(12)).join("")}   target`);
  let met = true;
  for (const operation of operations) {
    const ours = toFigures(await measure(context, operation.name, operation.ours, connectTrips, commandTrips));
    const naive = toFigures(await measure(context, `${operation.name} naive`, operation.naive, connectTrips, commandTrips));
    const miss = operation.target(ours);
    if (miss) met = false;
    print(`${operation.name.padEnd(16)} ${"ours".padEnd(6)} ${row(ours)}   ${miss ? `MISSED: ${miss}` : "met"}`);
    print(`${"".padEnd(16)} ${"naive".padEnd(6)} ${row(naive)}`);
  }
  return met;
}

function row(f: Figures): string {
  return [f.connections, f.commands, f.mutating, f.restarts].map((n) => String(n).padStart(12)).join("") +
    f.roundTrips.toFixed(1).padStart(12) + f.wallMs.toFixed(0).padStart(12);
}

interface Measured extends Omit<Figures, "roundTrips"> {
  networkTrips: number;
  connectTrips: number;
  commandTrips: number;
}

function toFigures(m: Measured): Figures {
  const trips = (m.networkTrips - m.connections * m.connectTrips) / m.commandTrips;
  return { connections: m.connections, commands: m.commands, mutating: m.mutating, restarts: m.restarts, wallMs: m.wallMs, roundTrips: Math.max(0, trips) };
}

let appCounter = 0;

/** Runs the operation RUNS times directly and RUNS times behind the proxy, each on a fresh app; counts from the proxied runs. */
async function measure(context: Context, label: string, operation: Operation, connectTrips: number, commandTrips: number): Promise<Measured> {
  const directWalls: number[] = [];
  const delayedWalls: number[] = [];
  let counts = { connections: 0, commands: 0, mutating: 0, restarts: 0 };
  for (let run = 0; run < RUNS; run++) {
    for (const via of ["direct", "delayed"] as const) {
      const app = `bench-${++appCounter}`;
      await operation.prepare(app);
      const counter = via === "direct" ? context.direct : context.delayed;
      context.server.resetCounters();
      counter.resetConnections();
      const started = performance.now();
      try {
        await operation.run(app, counter.port);
      } catch (error) {
        throw new Error(`${label}: ${(error as Error).message}`);
      }
      const wall = performance.now() - started;
      (via === "direct" ? directWalls : delayedWalls).push(wall);
      if (via === "delayed") {
        const logged = new CommandLog(context.server.stateDir).all().filter((entry) => entry.user === "dokku");
        counts = {
          connections: counter.connections(),
          commands: logged.length,
          mutating: logged.filter((entry) => isMutating(entry.argv)).length,
          restarts: context.server.restarts(app),
        };
      }
    }
  }
  const directMs = median(directWalls);
  const delayedMs = median(delayedWalls);
  return { ...counts, wallMs: delayedMs, networkTrips: (delayedMs - directMs) / (2 * DELAY_MS), connectTrips, commandTrips };
}

function isMutating(argv: string[]): boolean {
  return !READ_ONLY.includes(argv[0]) && !(argv[0] === "ps:scale" && argv.includes("--format")) && !(argv[0] === "apps:list");
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function dokkuTarget(context: Context, port: number): AppProps["target"] {
  return { host: context.server.host, port, user: "dokku", hostKey: context.server.hostKey };
}

function sshOptions(context: Context, port: number): DokkuSshOptions {
  return { ...dokkuTarget(context, port), privateKey: context.server.privateKey };
}

function inputs(context: Context, app: string, port: number): AppProps {
  return {
    target: dokkuTarget(context, port),
    appName: app,
    domains: [`${app}.example.com`, `www.${app}.example.com`],
    config: { ...CONFIG },
    scale: { web: 1, worker: 1 },
    adopt: false,
    version: 1,
  };
}

/** A created, deployed app (config changes restart it), its outputs kept as state would keep them. */
async function deployed(context: Context, app: string): Promise<void> {
  const created = await context.provider.create(inputs(context, app, context.server.port));
  context.state.set(app, created.outs as AppProps);
  const sync = await context.server.operator(["git:sync", "--build", app, "https://example.com/restant.git", "main"]);
  if (sync.code !== 0) throw new Error(`git:sync failed: ${sync.stderr}`);
}

async function update(context: Context, app: string, port: number, change: Record<string, string>): Promise<void> {
  const olds = { ...context.state.get(app)!, target: dokkuTarget(context, port) };
  const news = { ...olds, config: { ...olds.config, ...change } };
  await context.provider.update(app, olds, news);
}

/** The old scripts: one `ssh dokku@host <command>` per line. */
async function sshEach(context: Context, port: number, commands: string[][]): Promise<void> {
  for (const args of commands) {
    await withDokkuSession(sshOptions(context, port), async (session) => {
      await session.run(args).catch(() => undefined);
    });
  }
}

function naiveCreate(context: Context, app: string, port: number): Promise<void> {
  return sshEach(context, port, [
    ["apps:create", app],
    ...Object.entries(CONFIG).map(([key, value]) => ["config:set", app, `${key}=${value}`]),
    ["domains:add", app, `${app}.example.com`],
    ["domains:add", app, `www.${app}.example.com`],
    ["ps:scale", app, "web=1"],
    ["ps:scale", app, "worker=1"],
  ]);
}

function naiveRead(context: Context, app: string, port: number): Promise<void> {
  return sshEach(context, port, [
    ["apps:exists", app],
    ...Object.keys(CONFIG).map((key) => ["config:get", app, key]),
    ["domains:report", app, "--format", "json"],
    ["ps:scale", app, "--format", "json"],
  ]);
}

/** The scripts had no diff: every `up` set everything again. */
function naiveApply(context: Context, app: string, port: number, config: Record<string, string>): Promise<void> {
  return sshEach(context, port, [
    ["apps:exists", app],
    ...Object.entries(config).map(([key, value]) => ["config:set", app, `${key}=${value}`]),
    ["domains:set", app, `${app}.example.com`, `www.${app}.example.com`],
    ["ps:scale", app, "web=1"],
    ["ps:scale", app, "worker=1"],
  ]);
}

if (require.main === module) {
  benchDokkuApp().then(
    (met) => {
      process.exitCode = met ? 0 : 1;
    },
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
