import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import fc from "fast-check";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { builtScript } from "../support/built";
import { type DokkuRun, runDokkuExecutable, runDokkuInProcess } from "../doubles/dokku/run-command";
import { StateStore } from "../doubles/dokku/state/store";

let stateDir: string;
let workDir: string;

/** One command of the double, run in this process on the test's state (its rules, not its process, are under test). */
function dokku(args: string[], options: { stdin?: string | Buffer; env?: NodeJS.ProcessEnv } = {}): Promise<DokkuRun> {
  return runDokkuInProcess(args, { stateDir, ...options });
}

/** As sshd runs it behind sshcommand's forced command: the line in SSH_ORIGINAL_COMMAND, shell arguments ignored. */
function overSsh(line: string): Promise<DokkuRun> {
  const executable = builtScript("test/doubles/dokku/dokku.ts");
  return runDokkuExecutable(executable, ["ignored-by-dokku"], { stateDir, cwd: workDir, env: { SSH_ORIGINAL_COMMAND: line } });
}

function state(): {
  apps: Record<string, { config: Record<string, string>; deployed: boolean; httpAuth: unknown }>;
  restarts: Record<string, number>;
} {
  return JSON.parse(readFileSync(path.join(stateDir, "state.json"), "utf8"));
}

function commandLog(): { argv: string[]; exitCode: number; user: string }[] {
  return readFileSync(path.join(stateDir, "commands.jsonl"), "utf8")
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line));
}

const b64 = (text: string) => Buffer.from(text, "utf8").toString("base64");

beforeEach(() => {
  stateDir = mkdtempSync(path.join(os.tmpdir(), "dokku-double-state-"));
  workDir = mkdtempSync(path.join(os.tmpdir(), "dokku-double-cwd-"));
});

afterEach(() => {
  rmSync(stateDir, { recursive: true, force: true });
  rmSync(workDir, { recursive: true, force: true });
});

describe("apps", () => {
  it("creates an app once; a taken name, a missing app and a bad name fail as Dokku does", async () => {
    expect(await dokku(["apps:create", "web"])).toMatchObject({ code: 0 });
    expect(await dokku(["apps:create", "web"])).toEqual({ code: 1, stdout: "", stderr: " !     Name is already taken\n" });
    expect(await dokku(["apps:exists", "web"])).toMatchObject({ code: 0 });
    expect(await dokku(["apps:exists", "nope"])).toEqual({ code: 20, stdout: "", stderr: " !     App nope does not exist\n" });
    expect(await dokku(["config:export", "--format", "json", "nope"])).toMatchObject({ code: 20 });
    const bad = await dokku(["apps:create", "Web_1"]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toBe(
      " !     App name must begin with lowercase alphanumeric character, and may only contain lowercase alphanumerics, dots, and hyphens\n",
    );
    expect(await dokku(["apps:list", "--format", "json"])).toMatchObject({ code: 0, stdout: '["web"]\n' });
  });

  it("accepts exactly the names matching ^[a-z0-9][a-z0-9.-]*$", async () => {
    const name = fc.stringMatching(/^[a-zA-Z0-9._ -]{1,12}$/);
    await fc.assert(
      fc.asyncProperty(name, async (candidate) => {
        const result = await dokku(["apps:create", candidate]);
        const valid = /^[a-z0-9][a-z0-9.-]*$/.test(candidate);
        expect(result.code === 0 || result.stderr.includes("Name is already taken")).toBe(valid);
      }),
      { numRuns: 25 },
    );
  });

  it("destroys only with --force or the app's name typed on stdin", async () => {
    await dokku(["apps:create", "web"]);
    const asked = await dokku(["apps:destroy", "web"]);
    expect(asked.code).toBe(1);
    expect(asked.stderr).toContain(' !     To proceed, type "web"');
    expect(await dokku(["apps:destroy", "web"], { stdin: "other\n" })).toMatchObject({ code: 1 });
    expect(await dokku(["apps:exists", "web"])).toMatchObject({ code: 0 });
    expect(await dokku(["apps:destroy", "web"], { stdin: "web\n" })).toMatchObject({ code: 0 });
    await dokku(["apps:create", "api"]);
    expect(await dokku(["apps:destroy", "--force", "api"])).toMatchObject({ code: 0 });
    expect(await dokku(["apps:destroy", "--force", "api"])).toMatchObject({ code: 20 });
    await dokku(["apps:create", "worker"]);
    expect(await dokku(["--force", "apps:destroy", "worker"])).toMatchObject({ code: 0 }); // Dokku's global --force
  });
});

describe("config", () => {
  it("restarts a deployed app on every config:set, even when nothing changed, unless --no-restart", async () => {
    await dokku(["apps:create", "web"]);
    await dokku(["config:set", "web", "A=1"]);
    expect(state().restarts.web ?? 0).toBe(0); // never deployed: nothing to restart
    await dokku(["git:sync", "--build", "web", "https://github.com/restant/app.git", "main"]);
    const afterDeploy = state().restarts.web;
    await dokku(["config:set", "web", "A=1"]);
    await dokku(["config:set", "web", "A=1"]);
    await dokku(["config:set", "--no-restart", "web", "A=2"]);
    await dokku(["config:unset", "web", "MISSING"]);
    expect(state().restarts.web - afterDeploy).toBe(3);
  });

  it("stores --encoded values verbatim and exports them as Go's JSON", async () => {
    await dokku(["apps:create", "web"]);
    const tricky = "a'b\"c $(touch canary) `x`; <tag> & done\nline2";
    const set = await dokku(["config:set", "--encoded", "--no-restart", "web", `TRICKY=${b64(tricky)}`, `EMPTY=`]);
    expect(set.code).toBe(0);
    const exported = await dokku(["config:export", "--format", "json", "web"]);
    expect(exported.stdout).toContain("\\u003ctag\\u003e \\u0026 done");
    expect(JSON.parse(exported.stdout)).toEqual({ TRICKY: tricky, EMPTY: "", NO_VHOST: "1" });
    expect((await dokku(["config:get", "web", "TRICKY"])).stdout).toBe(`${tricky}\n`);
    expect(await dokku(["config:get", "web", "NOPE"])).toEqual({ code: 1, stdout: "", stderr: "" });
  });

  it("refuses malformed input as Dokku does", async () => {
    await dokku(["apps:create", "web"]);
    expect(await dokku(["config:set", "--encoded", "web", "K=!!!"])).toMatchObject({
      code: 1,
      stderr: " !     illegal base64 data at input byte 0 for key 'K'\n",
    });
    expect(await dokku(["config:set", "web", "1BAD=x"])).toMatchObject({ code: 1, stderr: " !     Invalid key name: '1BAD'\n" });
    expect(await dokku(["config:set", "web", "NOEQUALS"])).toMatchObject({ code: 1, stderr: " !     Invalid env pair: NOEQUALS\n" });
    expect(await dokku(["config:set", "--bogus", "web", "A=1"])).toMatchObject({ code: 2 });
    expect(state().apps.web.config).toEqual({ NO_VHOST: "1" });
  });
});

describe("domains, ps and reports", () => {
  it("domains:set replaces the list; the report is Dokku's JSON", async () => {
    await dokku(["apps:create", "web"]);
    await dokku(["domains:add", "web", "old.example.com"]);
    await dokku(["domains:set", "web", "a.example.com", "b.example.com"]);
    const report = await dokku(["domains:report", "web", "--format", "json"]);
    expect(JSON.parse(report.stdout)).toEqual({
      "app-enabled": "true",
      "app-vhosts": "a.example.com b.example.com",
      "global-enabled": "false",
      "global-vhosts": "",
    });
    expect(await dokku(["domains:set", "web", "bad_domain!"])).toMatchObject({ code: 1, stderr: " !     bad_domain! is invalid. exiting...\n" });
    expect(await dokku(["domains:set", "nope", "a.example.com"])).toMatchObject({ code: 20 });
  });

  it("domains:set on an app with vhosts off under a global VHOST turns them on with the default vhost, as domains_set does", async () => {
    await dokku(["apps:create", "web"]); // no global VHOST yet: NO_VHOST=1
    await dokku(["domains:set-global", "example.org"]);
    expect(await dokku(["domains:set", "web", "a.example.com"])).toMatchObject({ code: 0, stdout: "-----> Set a.example.com for web\n" });
    const report = async () => JSON.parse((await dokku(["domains:report", "web", "--format", "json"])).stdout) as Record<string, string>;
    expect(await report()).toEqual({ "app-enabled": "true", "app-vhosts": "web.example.org", "global-enabled": "true", "global-vhosts": "example.org" });
    await dokku(["domains:set", "web", "a.example.com"]);
    expect((await report())["app-vhosts"]).toBe("a.example.com");
    // A new app under the global VHOST starts with vhosts on and the default vhost.
    await dokku(["apps:create", "api"]);
    expect(JSON.parse((await dokku(["config:export", "--format", "json", "api"])).stdout)).toEqual({});
    await dokku(["domains:set", "api", "api.example.com"]);
    expect(JSON.parse((await dokku(["domains:report", "api", "--format", "json"])).stdout)["app-vhosts"]).toBe("api.example.com");
  });

  it("ps:scale sets and shows the formation; ps:report has deployed and running", async () => {
    await dokku(["apps:create", "web"]);
    expect(JSON.parse((await dokku(["ps:scale", "web", "--format", "json"])).stdout)).toEqual([{ process_type: "web", quantity: 1 }]);
    await dokku(["ps:scale", "web", "web=2", "worker=1"]);
    expect(JSON.parse((await dokku(["ps:scale", "web", "--format", "json"])).stdout)).toEqual([
      { process_type: "web", quantity: 2 },
      { process_type: "worker", quantity: 1 },
    ]);
    expect(await dokku(["ps:scale", "web", "worker"])).toMatchObject({ code: 1, stderr: " !     Missing count for process type worker\n" });
    const report = JSON.parse((await dokku(["ps:report", "web", "--format", "json"])).stdout);
    expect(report).toMatchObject({ deployed: "false", running: "false", "can-scale": "true", "ps-can-scale": "true" });
    expect(await dokku(["ps:restart", "web"])).toMatchObject({ code: 0, stderr: " !     App web has not been deployed\n" });
  });

  it("ps:scale refuses to scale up a process type the released Procfile lacks, writing nothing; 0 is allowed", async () => {
    await dokku(["apps:create", "web"]);
    // Before any release there is no Procfile: any type is recorded, as Dokku does.
    expect(await dokku(["ps:scale", "--skip-deploy", "web", "web=1", "worker=1"])).toMatchObject({ code: 0 });
    await new StateStore(stateDir).update((state) => {
      state.repositories = { "https://example.com/app.git": { procfile: ["web", "scheduler"] } };
    });
    expect(await dokku(["git:sync", "--build", "web", "https://example.com/app.git", "v1"])).toMatchObject({ code: 0 });
    const formation = async () => JSON.parse((await dokku(["ps:scale", "web", "--format", "json"])).stdout) as unknown;
    // The release's Procfile types join the formation at 0; the worker recorded before stays as it was.
    expect(await formation()).toEqual([
      { process_type: "scheduler", quantity: 0 },
      { process_type: "web", quantity: 1 },
      { process_type: "worker", quantity: 1 },
    ]);
    expect(await dokku(["ps:scale", "web", "web=2", "worker=2"])).toMatchObject({ code: 1, stderr: " !     worker is not a valid process name to scale up\n" });
    expect(await dokku(["ps:scale", "--skip-deploy", "web", "clock=1"])).toMatchObject({ code: 1, stderr: " !     clock is not a valid process name to scale up\n" });
    expect(((await formation()) as { process_type: string; quantity: number }[]).find((p) => p.process_type === "web")?.quantity).toBe(1);
    expect(await dokku(["ps:scale", "web", "web=2", "worker=0", "scheduler=1"])).toMatchObject({ code: 0 });
    expect(await formation()).toEqual([
      { process_type: "scheduler", quantity: 1 },
      { process_type: "web", quantity: 2 },
      { process_type: "worker", quantity: 0 },
    ]);
  });

  it("refuses unknown commands and records every command with its exit code", async () => {
    const unknown = await dokku(["apps:frobnicate", "web"]);
    expect(unknown).toEqual({
      code: 1,
      stdout: "",
      stderr: " !     `apps:frobnicate web` is not a dokku command.\n !     See `dokku help` for a list of available commands.\n",
    });
    // A command Dokku has but the double lacks is reported as the double's gap, never as Dokku's refusal.
    const gap = await dokku(["ports:set", "web", "http:80:5000"]);
    expect(gap.code).toBe(1);
    expect(gap.stderr).toContain("The Dokku double does not implement `ports:set`");
    await dokku(["apps:create", "web"]);
    expect(commandLog().map(({ argv, exitCode }) => ({ argv, exitCode }))).toEqual([
      { argv: ["apps:frobnicate", "web"], exitCode: 1 },
      { argv: ["ports:set", "web", "http:80:5000"], exitCode: 1 },
      { argv: ["apps:create", "web"], exitCode: 0 },
    ]);
  });
});

describe("letsencrypt and http-auth", () => {
  it("letsencrypt:enable needs domains and an e-mail, is idempotent, and meets the duplicate-certificate limit", async () => {
    await dokku(["apps:create", "web"]);
    expect(await dokku(["letsencrypt:enable", "web"])).toMatchObject({ code: 1, stderr: " !     No domains detected for web\n" });
    await dokku(["domains:set", "web", "web.example.com"]);
    expect((await dokku(["letsencrypt:enable", "web"])).stderr).toContain("Cannot request a certificate without an e-mail address");
    await dokku(["letsencrypt:set", "--global", "email", "ops@example.com"]);
    expect(await dokku(["letsencrypt:enable", "web"])).toMatchObject({ code: 0 });
    expect((await dokku(["letsencrypt:enable", "web"])).stdout).toContain("Certificate is still valid for web");
    expect(JSON.parse((await dokku(["letsencrypt:report", "web", "--format", "json"])).stdout)).toMatchObject({ active: "true" });
    for (let i = 0; i < 4; i++) expect(await dokku(["letsencrypt:enable", "--force", "web"])).toMatchObject({ code: 0 });
    const limited = await dokku(["letsencrypt:enable", "--force", "web"]);
    expect(limited.code).toBe(1);
    expect(limited.stderr).toContain("too many certificates (5) already issued for this exact set of identifiers");
  });

  it("certs:add installs a pair from a tar on stdin or from files, refuses a bad archive as Dokku does; certs:report reads it", async () => {
    await dokku(["apps:create", "web"]);
    const dir = mkdtempSync(path.join(os.tmpdir(), "certs-"));
    try {
      execFileSync("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "30", "-subj", "/CN=web.example.com", "-addext", "subjectAltName=DNS:web.example.com,DNS:www.example.com", "-keyout", path.join(dir, "server.key"), "-out", path.join(dir, "server.crt")], { stdio: "pipe" });
      expect(JSON.parse((await dokku(["certs:report", "web", "--format", "json"])).stdout)).toMatchObject({ enabled: "false", hostnames: "" });
      const onlyCrt = execFileSync("tar", ["-C", dir, "-cf", "-", "server.crt"]);
      expect(await dokku(["certs:add", "web"], { stdin: onlyCrt })).toMatchObject({ code: 1, stderr: " !     Tar archive is missing .key file\n" });
      expect((await dokku(["certs:add", "web"], { stdin: "not a tar" })).code).not.toBe(0);
      expect(await dokku(["certs:add", "nope"], { stdin: onlyCrt })).toMatchObject({ code: 20 });
      expect(await dokku(["certs:add", "web"], { stdin: execFileSync("tar", ["-C", dir, "-cf", "-", "server.crt", "server.key"]) })).toMatchObject({ code: 0 });
      const report = JSON.parse((await dokku(["certs:report", "web", "--format", "json"])).stdout) as Record<string, string>;
      expect(report).toMatchObject({ enabled: "true", hostnames: "web.example.com www.example.com", verified: "self signed", subject: "CN=web.example.com" });
      expect(report["expires-at"]).toMatch(/ GMT$/);
      expect(readFileSync(path.join(report.dir, "server.crt"), "utf8")).toBe(readFileSync(path.join(dir, "server.crt"), "utf8"));
      expect(await dokku(["certs:add", "web", path.join(dir, "missing.crt"), path.join(dir, "server.key")])).toMatchObject({
        code: 1,
        stderr: " !     CRT file specified not found, please check file paths\n",
      });
      expect((await dokku(["certs:remove", "web"])).code).toBe(0);
      expect(await dokku(["certs:remove", "web"])).toMatchObject({ code: 1, stderr: " !     An app-specific SSL endpoint is not defined\n" });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("keeps only a hash of the basic-auth password", async () => {
    await dokku(["apps:create", "web"]);
    await dokku(["http-auth:enable", "web", "preview", "pa55-word-xyz"]);
    expect((await dokku(["http-auth:report", "web", "--http-auth-users"])).stdout).toBe("preview\n");
    expect(readFileSync(path.join(stateDir, "state.json"), "utf8")).not.toContain("pa55-word-xyz");
  });

  it("mysql and redis services refuse to run without the test services", async () => {
    const result = await dokku(["mysql:create", "db"], { env: { RESTANT_TEST_MYSQL_PORT: "" } });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("run through test/services/start.sh");
    expect(await dokku(["mysql:exists", "db"])).toMatchObject({ code: 1, stderr: " !     MySQL service db does not exist\n" });
  });
});

describe("the forced command (SSH_ORIGINAL_COMMAND split like xargs, never by a shell)", () => {
  it("honours quotes and expands nothing", async () => {
    await overSsh("apps:create web");
    const line = `config:set --no-restart web "A=two words" 'B=$(touch canary)' "C=\`touch canary2\`" 'D=semi;colon' "E=it's"`;
    expect(await overSsh(line)).toMatchObject({ code: 0 });
    expect(state().apps.web.config).toMatchObject({
      A: "two words",
      B: "$(touch canary)",
      C: "`touch canary2`",
      D: "semi;colon",
      E: "it's",
    });
    expect(existsSync(path.join(workDir, "canary"))).toBe(false);
    expect(existsSync(path.join(workDir, "canary2"))).toBe(false);
    // Unquoted, a backtick is an ordinary character and the space splits: Dokku then refuses the half as a pair.
    expect(await overSsh("config:set --no-restart web C=`touch canary3`")).toMatchObject({
      code: 1,
      stderr: " !     Invalid env pair: canary3`\n",
    });
    expect(existsSync(path.join(workDir, "canary3"))).toBe(false);
  });

  it("splits git commands on whitespace only, as Dokku does", async () => {
    await overSsh("apps:create web");
    await overSsh(`git:sync web 'https://example.com/r.git' main`);
    const sync = commandLog().at(-1);
    expect(sync?.argv).toEqual(["git:sync", "web", "'https://example.com/r.git'", "main"]);
  });
});
