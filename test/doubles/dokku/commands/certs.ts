import { spawnSync } from "node:child_process";
import { X509Certificate } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { DokkuFailure } from "../cli/failure";
import { appsToReport, parseReportArgs, printReport } from "../cli/report";
import { dokkuRoot, installCertificate, installedCertificate, removeTls, sslEnabled, tlsDir } from "../state/tls-files";
import { existingAppFromShell } from "./app-rules";
import { CommandContext, CommandHandler } from "./context";

/** Files under a folder, relative, skipping dot-paths (`find . -not -path '*\/.*' -type f`). */
function filesUnder(dir: string, prefix = ""): string[] {
  return readdirSync(dir).flatMap((name) => {
    if (name.startsWith(".")) return [];
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? filesUnder(full, path.join(prefix, name)) : [path.join(prefix, name)];
  });
}

/** cmd-certs-set's search: exactly one file with the suffix in the archive. */
function single(files: string[], suffix: ".crt" | ".key"): string {
  const found = files.filter((file) => file.endsWith(suffix));
  if (found.length < 1) throw DokkuFailure.of(`Tar archive is missing ${suffix} file`);
  if (found.length > 1) throw DokkuFailure.of(`Tar archive contains more than one ${suffix} file`);
  return found[0];
}

/**
 * certs:add|update app [crt-file key-file] — the pair from two readable files, or from a tar archive on stdin
 * (extracted by the real tar), installed as `$DOKKU_ROOT/<app>/tls/server.{crt,key}` (fn-certs-set). Like the plugin,
 * it does not check that the key belongs to the certificate.
 */
const add: CommandHandler = async (context: CommandContext) => {
  const [app, crtFile, keyFile] = context.args;
  existingAppFromShell(context.store.read(), app);
  const root = dokkuRoot(context.env, context.store);
  if (crtFile && keyFile) {
    if (!readable(crtFile)) throw DokkuFailure.of("CRT file specified not found, please check file paths");
    if (!readable(keyFile)) throw DokkuFailure.of("KEY file specified not found, please check file paths");
    installCertificate(root, app, readFileSync(crtFile, "utf8"), readFileSync(keyFile, "utf8"));
    return;
  }
  if (context.stdin.isTerminal) throw DokkuFailure.of("Tar archive containing server.crt and server.key expected on stdin");
  const work = mkdtempSync(path.join(os.tmpdir(), "dokku-double-certs-"));
  try {
    const archive = path.join(work, "stdin.tar");
    writeFileSync(archive, await context.stdin.bytes());
    const extracted = path.join(work, "extracted");
    const tar = spawnSync("sh", ["-c", 'mkdir "$2" && tar -x -C "$2" -f "$1"', "tar", archive, extracted], { encoding: "utf8" });
    if (tar.status !== 0) {
      const failure = new DokkuFailure([], tar.status ?? 1);
      failure.raw = tar.stderr;
      throw failure;
    }
    const files = filesUnder(extracted);
    const crt = single(files, ".crt");
    const key = single(files, ".key");
    installCertificate(root, app, readFileSync(path.join(extracted, crt), "utf8"), readFileSync(path.join(extracted, key), "utf8"));
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
};

function readable(file: string): boolean {
  try {
    readFileSync(file);
    return true;
  } catch {
    return false;
  }
}

/** certs:remove app — fails when the app has no SSL folder. */
const remove: CommandHandler = ({ args, store, console, env }) => {
  const [app] = args;
  existingAppFromShell(store.read(), app);
  const root = dokkuRoot(env, store);
  if (!existsSync(tlsDir(root, app))) throw DokkuFailure.of("An app-specific SSL endpoint is not defined");
  console.info1(`Removing SSL endpoint from ${app}`);
  removeTls(root, app);
};

/** The certs plugin's report.go flags, read from server.crt (node's X509 in place of `openssl x509 -text`). */
function reportFlags(root: string, app: string): Record<string, string> {
  const pem = installedCertificate(root, app);
  const cert = pem === undefined ? undefined : new X509Certificate(pem);
  const hostnames = cert?.subjectAltName
    ?.split(",")
    .map((entry) => entry.trim())
    .filter((entry) => entry.startsWith("DNS:"))
    .map((entry) => entry.slice(4));
  const rdn = (text: string | undefined) => (text ?? "").split("\n").filter(Boolean).join("; ");
  return {
    "--ssl-dir": tlsDir(root, app),
    "--ssl-enabled": String(sslEnabled(root, app)),
    "--ssl-hostnames": cert ? [...new Set([cert.subject.match(/^CN=(.*)$/m)?.[1], ...(hostnames ?? [])].filter((h): h is string => !!h))].join(" ") : "",
    "--ssl-expires-at": cert?.validTo ?? "",
    "--ssl-issuer": cert ? rdn(cert.issuer).replace(/; /g, ", ").replace(/=/g, " = ") : "",
    "--ssl-starts-at": cert?.validFrom ?? "",
    "--ssl-subject": cert ? rdn(cert.subject) : "",
    // `openssl verify` against the system's CAs: the double's certificates (services/fake-acme.ts) never pass it.
    "--ssl-verified": cert ? "self signed" : "",
  };
}

/** certs:report [app] [--format json] [--ssl-…] — JSON keys without the `ssl-` prefix, as report.go's TrimPrefix. */
const report: CommandHandler = ({ args, store, console, env }) => {
  const { app, format, infoFlag } = parseReportArgs(args);
  const state = store.read();
  const root = dokkuRoot(env, store);
  const shape = { reportType: "ssl", trimPrefix: true, emitLegacyPrefix: false };
  for (const name of appsToReport(state.apps, app, console)) {
    existingAppFromShell(state, name);
    printReport(console, shape, reportFlags(root, name), format, infoFlag);
  }
};

export const certsCommands: Record<string, CommandHandler> = {
  "certs:add": add,
  "certs:update": add,
  "certs:remove": remove,
  "certs:report": report,
};
