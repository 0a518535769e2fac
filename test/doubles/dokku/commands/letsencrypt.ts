import { DokkuFailure } from "../cli/failure";
import { appsToReport, parseReportArgs, printReport } from "../cli/report";
import { obtainCertificate, LegoFailure } from "../services/fake-acme";
import { dokkuRoot, installCertificate, installedCertificate, removeTls, sha256, writeLetsEncryptCopy } from "../state/tls-files";
import { AppState, DokkuState } from "../state/types";
import { existingAppFromShell } from "./app-rules";
import { CommandHandler } from "./context";

const VALID_KEYS = ["dns-provider", "email", "graceperiod", "server", "lego-args", "lego-docker-options"];
const WEEK_MS = 7 * 24 * 3600 * 1000;
const CERTIFICATE_LIFETIME_S = 90 * 24 * 3600;
const DEFAULT_GRACE_PERIOD_S = 30 * 24 * 3600;
/** Let's Encrypt's duplicate-certificate limit: 5 certificates per identical set of names per 7 days. */
const DUPLICATE_CERTIFICATE_LIMIT = 5;

function property(state: DokkuState, target: AppState, key: string): string {
  return target.letsencrypt.properties[key] || state.letsencryptGlobal[key] || "";
}

/** The app's domains as the plugin sees them (get_app_domains: none while vhosts are disabled; "_" skipped). */
function appDomains(target: AppState): string[] {
  if (target.config.NO_VHOST === "1") return [];
  return target.domains.filter((domain) => domain !== "_");
}

/**
 * fn-letsencrypt-is-active: SSL is on for the app and its installed certificate is the one issued for its first
 * domain (compared by hash, so a certificate added by hand with certs:add, or removed, makes it inactive).
 */
function isActive(target: AppState, root: string, app: string): boolean {
  const certificate = target.letsencrypt.certificate;
  const installed = installedCertificate(root, app);
  return certificate !== undefined && certificate.domains[0] === appDomains(target)[0] && installed !== undefined && sha256(installed) === certificate.sha256;
}

/** The plugin's docker.env: `dns-provider-<VAR>` properties, global first, the app's over them. */
function providerEnv(state: DokkuState, target: AppState): Record<string, string> {
  const env: Record<string, string> = {};
  for (const properties of [state.letsencryptGlobal, target.letsencrypt.properties]) {
    for (const [key, value] of Object.entries(properties)) if (key.startsWith("dns-provider-")) env[key.slice("dns-provider-".length)] = value;
  }
  return env;
}

/**
 * letsencrypt:enable [--force] app — idempotent: a valid certificate for the app's first domain is kept. Needs
 * domains and an e-mail address; a wildcard needs a DNS provider (DNS-01); a sixth certificate for the same names
 * within a week fails as Let's Encrypt's rate limit does.
 */
const enable: CommandHandler = async ({ args, store, console, env }) => {
  const root = dokkuRoot(env, store);
  const force = args.includes("--force") || args.includes("-f");
  const [app] = args.filter((arg) => arg !== "--force" && arg !== "-f");
  await store.update((state) => {
    const target = existingAppFromShell(state, app);
    const domains = appDomains(target);
    if (domains.length === 0) throw DokkuFailure.of(`No domains detected for ${app}`);
    console.info2(`Enabling letsencrypt for ${app}`);
    if (!property(state, target, "email")) {
      throw new DokkuFailure([
        "ERROR: Cannot request a certificate without an e-mail address!",
        "  please provide your e-mail address using",
        `  dokku letsencrypt:set ${app} email <e-mail>`,
      ]);
    }
    const now = Date.now();
    const certificate = target.letsencrypt.certificate;
    const grace = Number(property(state, target, "graceperiod") || DEFAULT_GRACE_PERIOD_S) * 1000;
    // fn-letsencrypt-needs-issue: active, issued under the same lego configuration (names, server, e-mail, DNS
    // provider and its variables, lego options: the config hash), and not yet in the grace period.
    const settings = ["server", "email", "dns-provider", "lego-args", "lego-docker-options"].map((key) => property(state, target, key));
    const configHash = sha256(JSON.stringify([domains, settings, providerEnv(state, target)]));
    if (!force && certificate && isActive(target, root, app) && certificate.configHash === configHash && certificate.expiresAt * 1000 - grace > now) {
      console.info1(`Certificate is still valid for ${app}, skipping certificate request`);
      console.info1("Pass --force to letsencrypt:enable to request a new certificate anyway");
      return;
    }
    if (domains.some((domain) => domain.startsWith("*.")) && !property(state, target, "dns-provider")) {
      // lego refuses a wildcard over HTTP-01; the plugin then fails with its generic message.
      console.warn("acme: error: 400 :: urn:ietf:params:acme:error:malformed :: Wildcard domain names are not supported for HTTP-01");
      console.warn("Failed to setup letsencrypt");
      throw DokkuFailure.of("Check log output for further information on failure");
    }
    const key = [...domains].sort().join(" ");
    const recent = state.certificateIssuances.filter((issued) => issued.domains.join(" ") === key && now - issued.at < WEEK_MS);
    if (recent.length >= DUPLICATE_CERTIFICATE_LIMIT) {
      console.warn(
        `urn:ietf:params:acme:error:rateLimited :: too many certificates (${DUPLICATE_CERTIFICATE_LIMIT}) already issued for this exact set of identifiers in the last 168h0m0s`,
      );
      console.warn("Failed to setup letsencrypt");
      throw DokkuFailure.of("Check log output for further information on failure");
    }
    const dnsProvider = property(state, target, "dns-provider");
    console.info1(`Getting letsencrypt certificate for ${app} via ${dnsProvider ? "DNS-01" : "HTTP-01"}`);
    let issued;
    try {
      issued = obtainCertificate({ domains, dnsProvider, providerEnv: providerEnv(state, target), dockerOptions: property(state, target, "lego-docker-options") });
    } catch (error) {
      if (!(error instanceof LegoFailure)) throw error;
      console.verbose(error.message);
      console.info1("Certificate retrieval failed!");
      console.warn("Failed to setup letsencrypt");
      throw DokkuFailure.of("Check log output for further information on failure");
    }
    console.info1("Certificate retrieved successfully.");
    // fn-letsencrypt-symlink-certs: certs:add, then the plugin's own copy it compares with later.
    installCertificate(root, app, issued.crt, issued.key);
    writeLetsEncryptCopy(root, app, issued.crt);
    state.certificateIssuances.push({ domains: key.split(" "), at: now });
    const issuedAt = Math.floor(now / 1000);
    target.letsencrypt.certificate = { domains, issuedAt, expiresAt: issuedAt + CERTIFICATE_LIFETIME_S, sha256: sha256(issued.crt), configHash };
    console.info1("Done");
  });
};

/** letsencrypt:disable app — forgets the certificate and removes the app's SSL files (the plugin runs certs:remove). */
const disable: CommandHandler = async ({ args, store, console, env }) => {
  await store.update((state) => {
    const target = existingAppFromShell(state, args[0]);
    console.info1("Disabling letsencrypt for app");
    delete target.letsencrypt.certificate;
    removeTls(dokkuRoot(env, store), args[0]);
    console.info1("Done");
  });
};

/** letsencrypt:set app|--global key [value] — an empty value unsets. */
const set: CommandHandler = async ({ args, store }) => {
  const [app, key, value] = args;
  await store.update((state) => {
    const properties = app === "--global" ? state.letsencryptGlobal : existingAppFromShell(state, app).letsencrypt.properties;
    if (!key) throw DokkuFailure.of("No key specified");
    if (!VALID_KEYS.includes(key) && !key.startsWith("dns-provider-")) {
      throw DokkuFailure.of(
        "Invalid key specified, valid keys include: dns-provider, dns-provider-*, email, graceperiod, server, lego-args, lego-docker-options",
      );
    }
    if (value) properties[key] = value;
    else delete properties[key];
  });
};

function reportFlags(state: DokkuState, target: AppState, active: boolean): Record<string, string> {
  const computedServer = property(state, target, "server");
  const server = (name: string) =>
    !name || name === "default"
      ? "https://acme-v02.api.letsencrypt.org/directory"
      : name === "staging"
        ? "https://acme-staging-v02.api.letsencrypt.org/directory"
        : name;
  const p = target.letsencrypt.properties;
  const g = state.letsencryptGlobal;
  return {
    "--letsencrypt-active": String(active),
    "--letsencrypt-autorenew": "false",
    "--letsencrypt-computed-dns-provider": property(state, target, "dns-provider"),
    "--letsencrypt-global-dns-provider": g["dns-provider"] ?? "",
    "--letsencrypt-dns-provider": p["dns-provider"] ?? "",
    "--letsencrypt-computed-email": property(state, target, "email"),
    "--letsencrypt-global-email": g.email ?? "",
    "--letsencrypt-email": p.email ?? "",
    "--letsencrypt-expiration": target.letsencrypt.certificate ? String(target.letsencrypt.certificate.expiresAt) : "",
    "--letsencrypt-computed-graceperiod": property(state, target, "graceperiod") || String(DEFAULT_GRACE_PERIOD_S),
    "--letsencrypt-global-graceperiod": g.graceperiod ?? "",
    "--letsencrypt-graceperiod": p.graceperiod ?? "",
    "--letsencrypt-computed-lego-args": property(state, target, "lego-args"),
    "--letsencrypt-global-lego-args": g["lego-args"] ?? "",
    "--letsencrypt-lego-args": p["lego-args"] ?? "",
    "--letsencrypt-computed-lego-docker-options": property(state, target, "lego-docker-options"),
    "--letsencrypt-global-lego-docker-options": g["lego-docker-options"] ?? "",
    "--letsencrypt-lego-docker-options": p["lego-docker-options"] ?? "",
    "--letsencrypt-computed-server": server(computedServer),
    "--letsencrypt-global-server": g.server ?? "",
    "--letsencrypt-server": p.server ?? "",
  };
}

/** letsencrypt:report [app] [--format json] [--letsencrypt-active…] — JSON keys without the `letsencrypt-` prefix. */
const report: CommandHandler = ({ args, store, console, env }) => {
  const { app, format, infoFlag } = parseReportArgs(args);
  const state = store.read();
  const root = dokkuRoot(env, store);
  const shape = { reportType: "letsencrypt", trimPrefix: true, emitLegacyPrefix: false, jqOrder: true };
  for (const name of appsToReport(state.apps, app, console)) {
    const target = existingAppFromShell(state, name);
    printReport(console, shape, reportFlags(state, target, isActive(target, root, name)), format, infoFlag);
  }
};

/** letsencrypt:active app — prints true or false. */
const active: CommandHandler = ({ args, store, console, env }) => {
  console.log(String(isActive(existingAppFromShell(store.read(), args[0]), dokkuRoot(env, store), args[0])));
};

export const letsencryptCommands: Record<string, CommandHandler> = {
  "letsencrypt:enable": enable,
  "letsencrypt:disable": disable,
  "letsencrypt:set": set,
  "letsencrypt:report": report,
  "letsencrypt:active": active,
};
