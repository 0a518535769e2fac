import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

/** What dokku-letsencrypt hands lego for one app: names, challenge and the container it would run lego in. */
export interface LegoRequest {
  domains: string[];
  /** `dns-provider` (DNS-01); empty for HTTP-01. */
  dnsProvider: string;
  /** The container's environment: the app's and global `dns-provider-<VAR>` properties (the plugin's docker.env). */
  providerEnv: Record<string, string>;
  /** `lego-docker-options`, e.g. `-v /host/token:/run/secrets/token:ro`. */
  dockerOptions: string;
}

export interface IssuedCertificate {
  crt: string;
  key: string;
}

/**
 * The double's stand-in for the lego container: it resolves the DNS provider's credentials as lego does (the
 * `<VAR>_FILE` variables read through the container's bind mounts, as the dokku user the container runs as) and
 * refuses with lego's own messages when they are missing; then "issues" a certificate for the names with openssl
 * (self-signed by the double, 90 days). No ACME server or DNS record is involved: what is proven is the plugin's and
 * the scripts' side of the exchange, not Let's Encrypt's.
 */
export function obtainCertificate(request: LegoRequest): IssuedCertificate {
  if (request.dnsProvider) checkDnsProviderCredentials(request);
  return selfSigned(request.domains);
}

function checkDnsProviderCredentials(request: LegoRequest): void {
  if (request.dnsProvider !== "cloudflare") {
    throw legoFailure(`unrecognized DNS provider: ${request.dnsProvider}`);
  }
  const mounts = bindMounts(request.dockerOptions);
  const value = (name: string) => getOrFile(name, request.providerEnv, mounts);
  const withFallback = (...groups: string[][]) => {
    const missing = groups.filter((names) => !names.some((name) => value(name) !== "")).map((names) => names[0]);
    return missing.length === 0 ? undefined : `some credentials information are missing: ${missing.join(",")}`;
  };
  // providers/dns/cloudflare: e-mail and global API key, or else API tokens.
  const keyError = withFallback(["CLOUDFLARE_EMAIL", "CF_API_EMAIL"], ["CLOUDFLARE_API_KEY", "CF_API_KEY"]);
  if (keyError === undefined) return;
  const tokenError = withFallback(
    ["CLOUDFLARE_DNS_API_TOKEN", "CF_DNS_API_TOKEN"],
    ["CLOUDFLARE_ZONE_API_TOKEN", "CF_ZONE_API_TOKEN", "CLOUDFLARE_DNS_API_TOKEN", "CF_DNS_API_TOKEN"],
  );
  if (tokenError !== undefined) throw legoFailure(`cloudflare: ${keyError} or ${tokenError}`);
}

/** lego's env.GetOrFile: the variable, or else the contents of the file `<VAR>_FILE` names, trailing newlines cut. */
function getOrFile(name: string, env: Record<string, string>, mounts: Mount[]): string {
  if (env[name]) return env[name];
  const file = env[`${name}_FILE`];
  if (!file) return "";
  const onHost = hostPathOf(file, mounts);
  if (onHost === undefined) return "";
  try {
    return readFileSync(onHost, "utf8").replace(/[\r\n]+$/, "");
  } catch {
    return "";
  }
}

interface Mount {
  host: string;
  container: string;
}

/** The `-v|--volume host:container[:options]` bind mounts of a docker options string. */
function bindMounts(options: string): Mount[] {
  const words = options.split(/\s+/).filter(Boolean);
  const mounts: Mount[] = [];
  for (let i = 0; i < words.length; i++) {
    let spec: string | undefined;
    if (words[i] === "-v" || words[i] === "--volume") spec = words[++i];
    else if (words[i].startsWith("--volume=")) spec = words[i].slice("--volume=".length);
    if (!spec) continue;
    const [host, container] = spec.split(":");
    if (host?.startsWith("/") && container?.startsWith("/")) mounts.push({ host, container });
  }
  return mounts;
}

/** A path inside the container, on the host: under the longest mount that holds it. */
function hostPathOf(file: string, mounts: Mount[]): string | undefined {
  const mount = mounts
    .filter((m) => file === m.container || file.startsWith(`${m.container}/`))
    .sort((a, b) => b.container.length - a.container.length)[0];
  return mount ? path.join(mount.host, file.slice(mount.container.length)) : undefined;
}

function selfSigned(domains: string[]): IssuedCertificate {
  const dir = mkdtempSync(path.join(os.tmpdir(), "dokku-double-acme-"));
  try {
    const keyFile = path.join(dir, "server.key");
    const crtFile = path.join(dir, "server.crt");
    const result = spawnSync(
      "openssl",
      [
        "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "90",
        "-subj", `/CN=${domains[0]}`, "-addext", `subjectAltName=${domains.map((d) => `DNS:${d}`).join(",")}`,
        "-keyout", keyFile, "-out", crtFile,
      ],
      { encoding: "utf8" },
    );
    if (result.status !== 0) throw new Error(`openssl could not make the double's certificate: ${result.stderr}`);
    return { crt: readFileSync(crtFile, "utf8"), key: readFileSync(keyFile, "utf8") };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** lego exited non-zero with this line in its log. */
export class LegoFailure extends Error {}

function legoFailure(message: string): LegoFailure {
  return new LegoFailure(message);
}
