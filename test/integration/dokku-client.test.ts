import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { utils } from "ssh2";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { requireBuilt } from "../support/built";
import { CommandLog } from "../doubles/dokku/state/command-log";
import { DokkuServer, startDokkuServer } from "../support/dokku-server";
import { cutAfterConnect, startLatencyProxy } from "../support/latency-proxy";

// The client as the provider uses it: tsc output, loaded by Node's own require.
const { openDokkuSession, withDokkuSession } = requireBuilt<typeof import("../../components/dokku/client/open-session")>("components/dokku/client/open-session.ts");
const { isAppMissing, isNameTaken } = requireBuilt<typeof import("../../components/dokku/client/errors/command-errors")>("components/dokku/client/errors/command-errors.ts");
const { hostKeyFingerprint, parseHostKey } = requireBuilt<typeof import("../../components/dokku/client/host-key")>("components/dokku/client/host-key.ts");
type DokkuSshOptions = import("../../components/dokku/client/ssh-options").DokkuSshOptions;

let server: DokkuServer;
let canaryDir: string;

const options = (more: Partial<DokkuSshOptions> = {}): DokkuSshOptions => ({
  host: server.host,
  port: server.port,
  user: "dokku",
  hostKey: server.hostKey,
  privateKey: server.privateKey,
  ...more,
});

beforeAll(async () => {
  server = await startDokkuServer();
  // World-writable: a value that did run in a shell as the dokku user would leave its canary here.
  canaryDir = mkdtempSync(path.join(os.tmpdir(), "dokku-client-canary-"));
  chmodSync(canaryDir, 0o777);
});
afterAll(async () => {
  await server?.stop();
  if (canaryDir) rmSync(canaryDir, { recursive: true, force: true });
});
beforeEach(() => {
  server.clearFaults();
  server.resetCounters();
});

describe("the Dokku SSH client", () => {
  for (const user of ["dokku", "root"] as const) {
    it(`runs dokku commands as ${user}, with Dokku's failures as typed errors`, async () => {
      const app = `client-${user}`;
      await withDokkuSession(options({ user }), async (session) => {
        await session.run(["apps:create", app]);
        const taken = await session.run(["apps:create", app]).catch((error: unknown) => error);
        expect(isNameTaken(taken)).toBe(true);
        expect((taken as Error).message).toBe("dokku apps:create failed (exit 1): Name is already taken");
        const missing = await session.run(["config:export", "--format", "json", "no-such-app"]).catch((error: unknown) => error);
        expect(isAppMissing(missing)).toBe(true);
        expect(missing).toMatchObject({ name: "DokkuCommandError", kind: "app-missing", subcommand: "config:export", exitCode: 20, messages: ["App no-such-app does not exist"] });
        const listed = await session.run(["apps:list"]);
        expect(listed.stdout.split("\n")).toContain(app);
      });
      expect(server.commands().every((command) => command.user === user)).toBe(true);
    });
  }

  it("sends arguments verbatim to both users; what a shell would run never runs", async () => {
    const canary = path.join(canaryDir, "canary");
    const nasty = [`$(touch ${canary})`, `\`touch ${canary}\``, `x; touch ${canary}`, `x && touch ${canary}`, `it's "quoted"`, "tab\there", "é€😀", "*"];
    for (const user of ["dokku", "root"] as const) {
      const app = `verbatim-${user}`;
      await withDokkuSession(options({ user }), async (session) => {
        await session.run(["apps:create", app]);
        const pairs = nasty.map((value, index) => `K${index}=${value}`);
        await session.run(["config:set", "--no-restart", app, ...pairs]);
        const exported = JSON.parse((await session.run(["config:export", "--format", "json", app])).stdout) as Record<string, string>;
        nasty.forEach((value, index) => expect(exported[`K${index}`]).toBe(value));
        // As an app name, the same strings are refused by Dokku, not run.
        for (const value of nasty.slice(0, 4)) await expect(session.run(["apps:exists", value])).rejects.toThrow(/dokku apps:exists failed/);
      });
    }
    expect(readdirSync(canaryDir)).toEqual([]);
    expect(existsSync(canary)).toBe(false);
  });

  it("refuses a newline before anything is sent: such values go --encoded or on stdin", async () => {
    await withDokkuSession(options(), async (session) => {
      await expect(session.run(["config:set", "app", "K=line\nbreak"])).rejects.toThrow(/newline or control character/);
    });
    expect(server.commands()).toEqual([]);
  });

  it("runs concurrent commands on parallel channels of one connection", async () => {
    await withDokkuSession(options(), (session) => session.run(["apps:create", "parallel-client"]));
    server.resetCounters();
    // The first command is held for a while: run one after another, the others would start after it ended.
    server.injectFault({ kind: "hang", command: "apps:exists", ms: 1_500 });
    await withDokkuSession(options(), (session) =>
      session.runAll([
        { args: ["apps:exists", "parallel-client"] },
        { args: ["config:export", "--format", "json", "parallel-client"] },
        { args: ["domains:report", "parallel-client", "--format", "json"] },
        { args: ["ps:report", "parallel-client", "--format", "json"] },
      ]),
    );
    // The double's log has the timings (DokkuServer.commands() leaves them out).
    const logs = new CommandLog(server.stateDir).all();
    expect(logs.map((entry) => entry.argv[0]).sort()).toEqual(["apps:exists", "config:export", "domains:report", "ps:report"]);
    const held = logs.find((entry) => entry.argv[0] === "apps:exists")!;
    for (const entry of logs) expect(entry.startedAt).toBeLessThan(held.startedAt + held.durationMs);
  });

  it("waits for every parallel command before reporting the first failure", async () => {
    await withDokkuSession(options(), async (session) => {
      const failure = await session
        .runAll([{ args: ["apps:exists", "nope"] }, { args: ["apps:list"] }])
        .catch((error: unknown) => error);
      expect(isAppMissing(failure)).toBe(true);
    });
    expect(server.commands().map((command) => command.argv[0]).sort()).toEqual(["apps:exists", "apps:list"]);
  });

  it("refuses a server whose host key is not the pinned one, naming the host and both fingerprints", async () => {
    const other = utils.generateKeyPairSync("ed25519").public;
    const failure = await openDokkuSession(options({ hostKey: other })).catch((error: unknown) => error);
    expect(failure).toMatchObject({ name: "DokkuHostKeyMismatchError", host: server.host, port: server.port });
    const message = (failure as Error).message;
    expect(message).toContain(`${server.host}:${server.port}`);
    expect(message).toContain(hostKeyFingerprint(parseHostKey(other).blob));
    expect(message).toContain(hostKeyFingerprint(parseHostKey(server.hostKey).blob));
    expect(message).not.toContain("PRIVATE KEY");
    expect(server.commands()).toEqual([]);
  });

  it("reports a refused key as an authentication failure without the key", async () => {
    const stranger = utils.generateKeyPairSync("ed25519").private;
    const failure = (await openDokkuSession(options({ privateKey: stranger })).catch((error: unknown) => error)) as Error;
    expect(failure).toMatchObject({ name: "DokkuSshError", reason: "auth" });
    expect(failure.message).not.toContain("PRIVATE KEY");
  });

  it("times out a connection that never speaks SSH and a command that never ends", async () => {
    const silent = net.createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    try {
      const port = (silent.address() as net.AddressInfo).port;
      const failure = await openDokkuSession(options({ port, connectTimeoutMs: 300 })).catch((error: unknown) => error);
      expect(failure).toMatchObject({ name: "DokkuSshError", reason: "timeout" });
    } finally {
      silent.close();
    }
    server.injectFault({ kind: "hang", command: "apps:list", ms: 5_000 });
    await withDokkuSession(options({ commandTimeoutMs: 500 }), async (session) => {
      await expect(session.run(["apps:list"])).rejects.toMatchObject({ name: "DokkuSshError", reason: "timeout" });
    });
  });

  it("fails an operation whose connection drops at any point (key exchange, authentication, a command) instead of waiting forever", async () => {
    // Every chunk held 40 ms each way: the handshake's round trips spread over about a second, so cuts every 40 ms
    // land in each of its phases and in the command that follows (which hangs on the server past the last cut).
    server.injectFault({ kind: "hang", command: "apps:list", ms: 3_000 });
    const cuts = Array.from({ length: 40 }, (_, i) => 20 + i * 40);
    const outcomes = await Promise.all(
      cuts.map(async (afterMs) => {
        const proxy = await startLatencyProxy(server.port, 40);
        const ended = cutAfterConnect(proxy, afterMs);
        try {
          await withDokkuSession(options({ port: proxy.port }), (session) => session.run(["apps:list"]));
          return "finished";
        } catch (error) {
          const { name, reason, message } = error as Error & { reason?: string };
          return `${name} ${reason}: ${message}`;
        } finally {
          await ended();
          await proxy.stop();
        }
      }),
    );
    for (const outcome of outcomes) expect(outcome).toMatch(/^DokkuSshError (connect|dropped): /);
    expect(outcomes.some((o) => /dropped before the session was ready/.test(o)), outcomes.join("\n")).toBe(true);
    expect(outcomes.some((o) => /could not open a channel|dropped$/.test(o)), outcomes.join("\n")).toBe(true);
    // The commands the cut connections left on the server run out their hang before the server is stopped.
    while (server.processesRunning() > 0) await new Promise((resolve) => setTimeout(resolve, 100));
  }, 60_000);
});
