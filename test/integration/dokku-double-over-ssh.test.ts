import { execFileSync } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { Client } from "ssh2";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { DokkuServer, startDokkuServer } from "../support/dokku-server";
import { SshExecResult, connectToDokku, execOverSsh } from "../support/dokku-ssh";
import { startLatencyProxy } from "../support/latency-proxy";
import { StateStore } from "../doubles/dokku/state/store";

let server: DokkuServer;
let canaryDir: string;

const connect = (user: "dokku" | "root", options: { port?: number; hostKey?: string } = {}): Promise<Client> =>
  connectToDokku(server, user, options);
const exec = execOverSsh;

async function once(user: "dokku" | "root", command: string): Promise<SshExecResult> {
  const client = await connect(user);
  try {
    return await exec(client, command);
  } finally {
    client.end();
  }
}

beforeAll(async () => {
  server = await startDokkuServer();
  // World-writable, so a command that did run in a shell as the dokku user could leave its canary here.
  canaryDir = mkdtempSync(path.join(os.tmpdir(), "dokku-canary-"));
  chmodSync(canaryDir, 0o777);
});

afterAll(async () => {
  await server?.stop();
  if (canaryDir) rmSync(canaryDir, { recursive: true, force: true });
});

beforeEach(() => server.resetCounters());

describe("the Dokku double behind real sshd", () => {
  it("runs `ssh dokku@host <command>` through sshcommand's forced command, quotes honoured, nothing executed", async () => {
    expect(await once("dokku", "apps:create web")).toMatchObject({ code: 0 });
    const canary = (name: string) => path.join(canaryDir, name);
    const line = [
      "config:set --no-restart web",
      `'SUBST=$(touch ${canary("subst")})'`,
      `"TICKS=\`touch ${canary("ticks")}\`"`,
      `'SEMI=x; touch ${canary("semi")}'`,
      `"QUOTES=it's fine"`,
    ].join(" ");
    expect(await once("dokku", line)).toMatchObject({ code: 0 });
    const exported = JSON.parse((await once("dokku", "config:export --format json web")).stdout);
    expect(exported).toMatchObject({
      SUBST: `$(touch ${canary("subst")})`,
      TICKS: `\`touch ${canary("ticks")}\``,
      SEMI: `x; touch ${canary("semi")}`,
      QUOTES: "it's fine",
    });
    for (const name of ["subst", "ticks", "semi"]) expect(existsSync(canary(name))).toBe(false);
    // The canary folder is writable by the dokku user: had a shell run those values, the files would be there.
    await once("root", `runuser -u dokku -- touch ${canary("control")}`);
    expect(existsSync(canary("control"))).toBe(true);
    expect(server.commands().map((c) => c.user)).toEqual(["dokku", "dokku", "dokku"]);
  });

  it("reports Dokku's errors and exit codes over SSH", async () => {
    expect(await once("dokku", "apps:exists no-such-app")).toEqual({
      code: 20,
      stdout: "",
      stderr: " !     App no-such-app does not exist\n",
    });
    expect(await once("dokku", "apps:frobnicate")).toMatchObject({ code: 1 });
  });

  it("gives root a shell with `dokku` on PATH, recorded as root", async () => {
    await once("dokku", "apps:create from-dokku");
    const listed = await once("root", "dokku apps:list");
    expect(listed.code).toBe(0);
    expect(listed.stdout.split("\n")).toContain("from-dokku");
    expect(server.commands().at(-1)).toEqual({ argv: ["apps:list"], exitCode: 0, user: "root" });
  });

  it("runs concurrent commands on parallel channels of one connection without losing an update", async () => {
    await once("dokku", "apps:create parallel");
    server.resetCounters();
    const client = await connect("dokku");
    try {
      const keys = Array.from({ length: 8 }, (_, i) => `KEY_${i}`);
      const results = await Promise.all(keys.map((key) => exec(client, `config:set --no-restart parallel ${key}=${key}`)));
      expect(results.map((r) => r.code)).toEqual(keys.map(() => 0));
      const config = JSON.parse((await exec(client, "config:export --format json parallel")).stdout);
      for (const key of keys) expect(config[key]).toBe(key);
    } finally {
      client.end();
    }
    expect(server.commands()).toHaveLength(9);
  });

  it("is refused by a client pinning another host key", async () => {
    const otherKey = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl";
    await expect(connect("dokku", { hostKey: otherKey })).rejects.toThrow();
    (await connect("dokku")).end();
  });

  it("speaks to the OpenSSH client too, with the host key pinned in known_hosts", async () => {
    const keys = mkdtempSync(path.join(os.tmpdir(), "dokku-client-"));
    try {
      writeFileSync(path.join(keys, "id"), server.privateKey, { mode: 0o600 });
      writeFileSync(path.join(keys, "known_hosts"), `[${server.host}]:${server.port} ${server.hostKey}\n`);
      const ssh = (...command: string[]) =>
        execFileSync(
          "ssh",
          ["-i", path.join(keys, "id"), "-o", `UserKnownHostsFile=${path.join(keys, "known_hosts")}`, "-o", "StrictHostKeyChecking=yes",
            "-o", "BatchMode=yes", "-p", String(server.port), `dokku@${server.host}`, ...command],
          { encoding: "utf8" },
        );
      ssh("apps:create", "openssh");
      ssh("config:set", "--no-restart", "openssh", `'V=$(touch ${path.join(canaryDir, "openssh")}) and more'`);
      expect(ssh("config:get", "openssh", "V")).toBe(`$(touch ${path.join(canaryDir, "openssh")}) and more\n`);
      expect(existsSync(path.join(canaryDir, "openssh"))).toBe(false);
    } finally {
      rmSync(keys, { recursive: true, force: true });
    }
  });

  it("lets an operator change the app behind the client's back, and counts restarts", async () => {
    await once("dokku", "apps:create drifting");
    await once("dokku", "git:sync --build drifting https://example.com/app.git main");
    server.resetCounters();
    const byHand = await server.operator(["config:set", "drifting", "DRIFT=by-hand"]);
    expect(byHand.code).toBe(0);
    expect(server.restarts("drifting")).toBe(1);
    expect(JSON.parse((await once("dokku", "config:export --format json drifting")).stdout).DRIFT).toBe("by-hand");
    expect(server.commands()[0]).toEqual({ argv: ["config:set", "drifting", "DRIFT=by-hand"], exitCode: 0, user: "root" });
    await server.operator(["apps:destroy", "drifting"], "drifting\n");
    expect((await once("dokku", "apps:exists drifting")).code).toBe(20);
  });

  it("backs mysql and redis services with the test MariaDB and Redis", async () => {
    await once("dokku", "apps:create with-data");
    expect(await once("dokku", "mysql:create with_data_db")).toMatchObject({ code: 0 });
    expect(await once("dokku", "mysql:link with_data_db with-data")).toMatchObject({ code: 0 });
    expect(await once("dokku", "redis:create shared")).toMatchObject({ code: 0 });
    expect(await once("dokku", "redis:link shared with-data")).toMatchObject({ code: 0 });
    const config = JSON.parse((await once("dokku", "config:export --format json with-data")).stdout);

    const database = new URL(config.DATABASE_URL);
    expect(database.protocol).toBe("mysql:");
    const rows = execFileSync(
      "mariadb",
      ["--no-defaults", "-h", database.hostname, "-P", database.port, "-u", database.username, "-N", "-e", "SELECT DATABASE()", database.pathname.slice(1)],
      { env: { ...process.env, MYSQL_PWD: decodeURIComponent(database.password) }, encoding: "utf8" },
    );
    expect(rows.trim()).toBe(database.pathname.slice(1));
    expect(await once("dokku", "mysql:destroy with_data_db --force")).toMatchObject({
      code: 1,
      stderr: " !     Cannot delete linked service\n",
    });

    const redis = new URL(config.REDIS_URL);
    expect(redis.pathname).toBe(""); // no DB index in REDIS_URL, as dokku-redis links it
    const pong = execFileSync("redis-cli", ["-h", redis.hostname, "-p", redis.port, "ping"], {
      env: { ...process.env, REDISCLI_AUTH: redis.password },
      encoding: "utf8",
    });
    expect(pong.trim()).toBe("PONG");
    const refused = execFileSync("redis-cli", ["-h", redis.hostname, "-p", redis.port, "ping"], {
      env: { ...process.env, REDISCLI_AUTH: "not-the-password" },
      encoding: "utf8",
    });
    expect(refused).toMatch(/WRONGPASS|NOAUTH/);
    expect((await once("dokku", "redis:destroy shared --force")).stderr).toContain("Cannot delete linked service");

    // `--no-restart` anywhere on the line reaches the plugin through DOKKU_GLOBAL_FLAGS; without it unlink restarts.
    await once("dokku", "git:sync --build with-data https://example.com/app.git main");
    server.resetCounters();
    await once("dokku", "redis:unlink shared with-data --no-restart");
    expect(server.restarts("with-data")).toBe(0);
    await once("dokku", "redis:link shared with-data");
    expect(server.restarts("with-data")).toBe(1);
    await once("dokku", "mysql:unlink with_data_db with-data");
    expect(server.restarts("with-data")).toBe(2);
    expect(await once("dokku", "mysql:destroy with_data_db --force")).toMatchObject({ code: 0 });
  });

  it("shows a latency proxy's delay in the wall time of a round trip", async () => {
    const delayMs = 60;
    const proxy = await startLatencyProxy(server.port, delayMs);
    try {
      const client = await connect("dokku", { port: proxy.port });
      try {
        const started = Date.now();
        expect(await exec(client, "apps:list --format json")).toMatchObject({ code: 0 });
        expect(Date.now() - started).toBeGreaterThanOrEqual(2 * delayMs);
      } finally {
        client.end();
      }
    } finally {
      await proxy.stop();
    }
  });

  describe("injected faults", () => {
    beforeEach(() => server.clearFaults());

    it("a failed health check keeps the old release serving, and a first deploy that fails leaves nothing deployed", async () => {
      const release = (app: string) => new StateStore(server.stateDir).read().apps[app]?.release;
      await once("dokku", "apps:create faulty");
      expect(await once("dokku", "git:sync --build faulty https://example.com/app.git v1")).toMatchObject({ code: 0 });
      expect(release("faulty")).toMatchObject({ ref: "v1" });
      server.resetCounters();

      server.injectFault({ kind: "health-check-fails", app: "faulty" });
      expect(await once("dokku", "git:sync --build faulty https://example.com/app.git v2")).toMatchObject({
        code: 1,
        stderr: " !     Could not start due to 1 failed checks (web.1)\n",
      });
      // v2 was fetched (the repository moved on) but never released: v1's containers still serve, untouched.
      expect((await once("dokku", "git:report faulty --git-sha")).stdout).toBe("v2\n");
      expect(release("faulty")).toMatchObject({ ref: "v1" });
      expect((await once("dokku", "ps:report faulty --deployed")).stdout).toBe("true\n");
      expect(server.restarts("faulty")).toBe(0);

      server.clearFaults();
      expect(await once("dokku", "git:sync --build faulty https://example.com/app.git v2")).toMatchObject({ code: 0 });
      expect(release("faulty")).toMatchObject({ ref: "v2" });

      await once("dokku", "apps:create never-ran");
      server.injectFault({ kind: "health-check-fails", app: "never-ran" });
      expect((await once("dokku", "git:sync --build never-ran https://example.com/app.git v1")).code).toBe(1);
      expect((await once("dokku", "ps:report never-ran --deployed")).stdout).toBe("false\n");
      expect(release("never-ran")).toBeUndefined();
    });

    it("a failed restart still exits 0 with Dokku's warning", async () => {
      await once("dokku", "apps:create restarts");
      await once("dokku", "git:sync --build restarts https://example.com/app.git v1");
      server.injectFault({ kind: "restart-fails", app: "restarts" });
      server.resetCounters();
      const set = await once("dokku", "config:set restarts A=1");
      expect(set.code).toBe(0);
      expect(set.stderr).toContain("Failure while restarting app");
      expect(server.restarts("restarts")).toBe(1);
    });

    it("refuses a command the given number of times", async () => {
      server.injectFault({ kind: "fail", command: "apps:create", message: "disk full", times: 1 });
      expect(await once("dokku", "apps:create flaky")).toEqual({ code: 1, stdout: "", stderr: " !     disk full\n" });
      expect(await once("dokku", "apps:create flaky")).toMatchObject({ code: 0 });
    });

    it("a clone whose import stops half-way still exits 0", async () => {
      expect(await once("dokku", "mysql:create snapshot_src")).toMatchObject({ code: 0 });
      const rows = Array.from({ length: 2000 }, (_, i) => `(${i}, '${"x".repeat(50)}')`).join(",");
      const client = await connect("dokku");
      try {
        await exec(client, "mysql:connect snapshot_src", `CREATE TABLE t (id INT PRIMARY KEY, v TEXT); INSERT INTO t VALUES ${rows};`);
        server.injectFault({ kind: "truncate-clone", afterBytes: 40_000 });
        expect(await exec(client, "mysql:clone snapshot_src snapshot_half")).toMatchObject({ code: 0 });
        const count = await exec(client, "mysql:connect snapshot_half", "SELECT COUNT(*) FROM t;");
        expect(count.stdout).not.toContain("2000");
        server.clearFaults();
        await exec(client, "mysql:clone snapshot_src snapshot_full");
        expect((await exec(client, "mysql:connect snapshot_full", "SELECT COUNT(*) FROM t;")).stdout).toContain("2000");
        await exec(client, "mysql:destroy snapshot_half --force");
        await exec(client, "mysql:destroy snapshot_full --force");
        await exec(client, "mysql:destroy snapshot_src --force");
      } finally {
        client.end();
      }
    });

    it("holds a command so a test can drop the connection mid-operation", async () => {
      await once("dokku", "apps:create dropped");
      server.injectFault({ kind: "hang", command: "domains:set", ms: 1_500 });
      const proxy = await startLatencyProxy(server.port, 0);
      try {
        const client = await connect("dokku", { port: proxy.port });
        client.on("error", () => undefined);
        const pending = exec(client, "domains:set dropped dropped.example.com").catch((error: Error) => error);
        await new Promise((resolve) => setTimeout(resolve, 300));
        proxy.cut();
        const outcome = await pending;
        expect(outcome instanceof Error || outcome.code !== 0).toBe(true);
      } finally {
        await proxy.stop();
      }
    });
  });
});
