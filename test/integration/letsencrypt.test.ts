import { chmodSync, chownSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
import * as os from "node:os";
import * as path from "node:path";
import type { Client } from "ssh2";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requireBuilt } from "../support/built";
import { type DokkuServer, startDokkuServer } from "../support/dokku-server";
import { connectToDokku, execOverSsh } from "../support/dokku-ssh";
import type { Stored } from "../support/provider-steps";

type ProviderModule = typeof import("../../components/dokku/access/letsencrypt-provider");
type LetsEncryptInputs = import("../../components/dokku/access/letsencrypt-provider").LetsEncryptInputs;
type LetsEncryptOutputs = import("../../components/dokku/access/letsencrypt-provider").LetsEncryptOutputs;

// The provider as Pulumi's host runs it: tsc output, serialized into "state", loaded back from that text.
const { asPulumiHostRunsIt } = requireBuilt<typeof import("../support/serialized-provider")>("test/support/serialized-provider.ts");
const { up, refresh } = requireBuilt<typeof import("../support/provider-steps")>("test/support/provider-steps.ts");
const { letsEncryptProvider } = requireBuilt<ProviderModule>("components/dokku/access/letsencrypt-provider.ts");
const { wildcardCertsScript, cronInstallScript } = requireBuilt<typeof import("../../components/dokku/server/server-scripts")>(
  "components/dokku/server/server-scripts.ts",
);
const { PREVIEW_DOKKU_APP_PATTERN } = requireBuilt<typeof import("../../infra/names")>("infra/names.ts");
const { StateStore } = requireBuilt<typeof import("../doubles/dokku/state/store")>("test/doubles/dokku/state/store.ts");

let server: DokkuServer;
let provider: Required<import("@pulumi/pulumi").dynamic.ResourceProvider<LetsEncryptInputs, LetsEncryptOutputs>>;
let root: Client;
let scratch: string;

beforeAll(async () => {
  server = await startDokkuServer();
  process.env.DOKKU_SSH_PRIVATE_KEY = server.privateKey;
  provider = (await asPulumiHostRunsIt(letsEncryptProvider)).provider as typeof provider;
  root = await connectToDokku(server, "root");
  scratch = mkdtempSync(path.join(os.tmpdir(), "letsencrypt-test-"));
  chmodSync(scratch, 0o755);
  // As the platform stack does (DokkuPlatform's letsencrypt-email command).
  await operator("letsencrypt:set", "--global", "email", "ops@example.com");
});
afterAll(async () => {
  delete process.env.DOKKU_SSH_PRIVATE_KEY;
  root?.end();
  await server?.stop();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

const operator = async (...args: string[]) => {
  const result = await server.operator(args);
  if (result.code !== 0) throw new Error(`dokku ${args.join(" ")} exited ${result.code}: ${result.stderr}`);
  return result.stdout;
};
/** `certs:report <app> --format json`: what the server would serve for the app. */
const certs = async (app: string) =>
  JSON.parse(await operator("certs:report", app, "--format", "json")) as { enabled: string; hostnames: string; "expires-at": string };
/** The certificate the app serves, as the proxy reads it. */
const servedCertificate = (app: string) => readFileSync(path.join(server.dokkuRoot, app, "tls", "server.crt"), "utf8");
const issuances = () => new StateStore(server.stateDir).read().certificateIssuances.length;
const wanted = (app: string, domains: string[]): LetsEncryptInputs => ({
  version: 1,
  target: { host: server.host, port: server.port, user: "dokku", hostKey: server.hostKey },
  app,
  domains,
});

describe("LetsEncrypt per host (serialized provider, over SSH, against the Dokku double)", () => {
  it("lives a whole life: create, read, no-op diff, drift repaired, new names, delete, delete again", async () => {
    const app = "restant-staging";
    await operator("apps:create", app);
    await operator("domains:set", app, "restant.staging.example.com");
    const inputs = wanted(app, ["restant.staging.example.com"]);
    let stored: Stored<LetsEncryptOutputs> = await up(provider, undefined, inputs);
    expect(stored.outs).toMatchObject({ active: true, domains: ["restant.staging.example.com"] });
    expect(Number(stored.outs.expiration)).toBeGreaterThan(Date.now() / 1000 + 80 * 86_400);
    expect(await certs(app)).toMatchObject({ enabled: "true", hostnames: "restant.staging.example.com" });

    // Read and the same inputs again: nothing to do, and no certificate spent.
    const before = issuances();
    stored = (await refresh(provider, stored))!;
    expect((await provider.diff(stored.id, stored.outs, inputs)).changes).toBe(false);
    expect(await up(provider, stored, inputs)).toBe(stored);
    expect(issuances()).toBe(before);

    // Drift: someone installs a certificate of their own by hand. Read sees Let's Encrypt's is no longer served.
    const other = path.join(scratch, "other");
    execFileSync("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1", "-subj", "/CN=other.example.com", "-keyout", `${other}.key`, "-out", `${other}.crt`], { stdio: "pipe" });
    chmodSync(`${other}.key`, 0o644);
    await operator("certs:add", app, `${other}.crt`, `${other}.key`);
    stored = (await refresh(provider, stored))!;
    expect(stored.outs.active).toBe(false);
    expect((await provider.diff(stored.id, stored.outs, inputs)).changes).toBe(true);
    stored = await up(provider, stored, inputs);
    expect(stored.outs.active).toBe(true);
    expect((await certs(app)).hostnames).toBe("restant.staging.example.com");

    // New names: a certificate for the new list.
    await operator("domains:set", app, "restant.staging.example.com", "www.staging.example.com");
    stored = await up(provider, stored, wanted(app, ["restant.staging.example.com", "www.staging.example.com"]));
    expect((await certs(app)).hostnames).toBe("restant.staging.example.com www.staging.example.com");

    await provider.delete(stored.id, stored.outs);
    expect((await certs(app)).enabled).toBe("false");
    expect((await refresh(provider, stored))!.outs.active).toBe(false);
    await provider.delete(stored.id, stored.outs);
    await operator("apps:destroy", "--force", app);
    expect(await provider.read(stored.id, stored.outs)).toEqual({ id: "" }); // gone: an empty id and no props
    await provider.delete(stored.id, stored.outs);
  });

  it("fails clearly for an app without domains, and leaves nothing behind", async () => {
    await operator("apps:create", "restant-bare");
    await expect(up(provider, undefined, wanted("restant-bare", []))).rejects.toThrow(/No domains detected for restant-bare/);
    expect((await certs("restant-bare")).enabled).toBe("false");
  });
});

describe("the DNS-01 wildcard script, run as root on the server as its cron runs it", () => {
  const zone = "previews.example.com";
  const installed = () => path.join(scratch, "sbin", "restant-wildcard-certs");
  let tokenFile: string;

  /** Installs the script as the platform stack does (cronInstallScript over `sh -s`), into the scratch folder. */
  beforeAll(async () => {
    const dokkuUser = { uid: Number(execFileSync("id", ["-u", "dokku"], { encoding: "utf8" })), gid: Number(execFileSync("id", ["-g", "dokku"], { encoding: "utf8" })) };
    tokenFile = path.join(scratch, "cloudflare-token");
    writeFileSync(tokenFile, "cf-token-for-dns-01\n", { mode: 0o600 });
    // lego runs in its container as the dokku user: the token file must be readable by it, and by nobody else.
    chownSync(tokenFile, dokkuUser.uid, dokkuUser.gid);
    const script = wildcardCertsScript({ holderApp: "restant-previews-tls", domain: `*.${zone}`, cloudflareTokenFile: tokenFile, previewAppPattern: PREVIEW_DOKKU_APP_PATTERN });
    execFileSync("mkdir", ["-p", path.join(scratch, "sbin"), path.join(scratch, "cron.d")]);
    const install = cronInstallScript({ path: installed(), script, cronPath: path.join(scratch, "cron.d", "restant-wildcard-certs"), schedule: "41 4 * * *", log: "/dev/null" });
    const result = await execOverSsh(root, "sh -s", install);
    expect(result, result.stderr).toMatchObject({ code: 0 });
    for (const app of ["restant-pr-11", "restant-pr-12", "restant-main"]) await operator("apps:create", app);
  });

  it("gets one certificate over DNS-01 for the holder app and installs it on every preview app, and no other", async () => {
    const run = await execOverSsh(root, installed());
    expect(run.code, run.stderr + run.stdout).toBe(0);
    expect(run.stdout).toContain("via DNS-01");
    const holder = await certs("restant-previews-tls");
    expect(holder).toMatchObject({ enabled: "true", hostnames: `*.${zone}` });
    for (const app of ["restant-pr-11", "restant-pr-12"]) {
      expect(await certs(app)).toMatchObject({ enabled: "true", hostnames: `*.${zone}`, "expires-at": holder["expires-at"] });
      expect(servedCertificate(app)).toBe(servedCertificate("restant-previews-tls"));
    }
    expect((await certs("restant-main")).enabled).toBe("false");
    // The token reached lego through the mount, never the command line or the double's state.
    expect(JSON.stringify(server.commands())).not.toContain("cf-token-for-dns-01");
  });

  it("renews nothing while the certificate is valid, and brings a new preview the same certificate", async () => {
    const before = issuances();
    await operator("apps:create", "restant-pr-13");
    const run = await execOverSsh(root, `${installed()} restant-pr-13`);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain("Certificate is still valid for restant-previews-tls");
    expect(issuances()).toBe(before);
    expect(servedCertificate("restant-pr-13")).toBe(servedCertificate("restant-pr-11"));
  });

  it("fails with lego's message when the Cloudflare token is unreadable, leaving the previews' certificate in place", async () => {
    const served = servedCertificate("restant-pr-11");
    await operator("letsencrypt:disable", "restant-previews-tls"); // so the next run must ask again
    chmodSync(tokenFile, 0o000);
    try {
      const run = await execOverSsh(root, installed());
      expect(run.code).not.toBe(0);
      expect(run.stdout).toContain(
        "cloudflare: some credentials information are missing: CLOUDFLARE_EMAIL,CLOUDFLARE_API_KEY or some credentials information are missing: CLOUDFLARE_DNS_API_TOKEN,CLOUDFLARE_ZONE_API_TOKEN",
      );
      expect(run.stderr).toContain("Failed to setup letsencrypt");
      expect(servedCertificate("restant-pr-11")).toBe(served);
    } finally {
      chmodSync(tokenFile, 0o600);
    }
  });
});
