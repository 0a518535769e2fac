import { DEFAULT_SCALE } from "./app-model";
import { OWNERSHIP_KEY } from "./ownership";

/** What the engine passes for a value not known yet during preview. */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

const APP_NAME = /^[a-z0-9][a-z0-9.-]*$/;
const HOSTNAME = /^(\*\.)?([a-z0-9]([a-z0-9-]*[a-z0-9])?\.)*[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;
const CONFIG_KEY = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const HOST_KEY = /^(ssh-ed25519|ecdsa-sha2-nistp256|ecdsa-sha2-nistp384|ecdsa-sha2-nistp521|ssh-rsa) [A-Za-z0-9+/]+={0,2}$/;

export interface CheckFailure {
  property: string;
  reason: string;
}

/**
 * Fills the defaults (scale web 1 worker 0, adopt false) and refuses what Dokku would refuse later, half-way through
 * a create: bad app names, domains and config keys. Reasons never quote config values.
 */
export function checkAppInputs(news: Record<string, unknown>): { inputs: Record<string, unknown>; failures: CheckFailure[] } {
  const inputs: Record<string, unknown> = { ...news, scale: news.scale ?? { ...DEFAULT_SCALE }, adopt: news.adopt ?? false };
  const failures: CheckFailure[] = [];
  const fail = (property: string, reason: string) => failures.push({ property, reason });
  const known = (value: unknown) => value !== UNKNOWN;

  const appName = inputs.appName;
  if (known(appName) && (typeof appName !== "string" || !APP_NAME.test(appName))) {
    fail("appName", "a Dokku app name starts with a lowercase letter or digit and has only lowercase letters, digits, dots and hyphens");
  }

  const target = inputs.target;
  if (known(target)) {
    if (!isRecord(target)) {
      fail("target", `target must be { host, port, user, hostKey }${"connection" in news ? " (DokkuApp's `connection` input is now called `target`)" : ""}`);
    }
    else {
      if (known(target.host) && (typeof target.host !== "string" || target.host === "")) fail("target.host", "host is required");
      const port = target.port;
      if (known(port) && (typeof port !== "number" || !Number.isInteger(port) || port < 1 || port > 65535)) {
        fail("target.port", "port must be an integer from 1 to 65535");
      }
      if (known(target.user) && target.user !== "dokku" && target.user !== "root") {
        fail("target.user", 'user must be "dokku" (Dokku\'s forced command) or "root"');
      }
      const hostKey = target.hostKey;
      if (known(hostKey) && (typeof hostKey !== "string" || !HOST_KEY.test(hostKey.trim().split(/\s+/).slice(0, 2).join(" ")))) {
        fail("target.hostKey", 'hostKey must be the server\'s public key, "ssh-ed25519 AAAA…"');
      }
    }
  }

  const domains = inputs.domains;
  if (known(domains)) {
    if (!Array.isArray(domains)) fail("domains", "domains must be a list of host names");
    else {
      domains.forEach((domain, index) => {
        if (known(domain) && (typeof domain !== "string" || !HOSTNAME.test(domain))) {
          fail(`domains[${index}]`, "each domain must be a lowercase host name");
        }
      });
    }
  }

  const config = inputs.config;
  if (known(config)) {
    if (!isRecord(config)) fail("config", "config must be an object of strings");
    else {
      for (const [key, value] of Object.entries(config)) {
        if (!CONFIG_KEY.test(key)) fail(`config.${key}`, "a config key is letters, digits and underscores, not starting with a digit");
        if (key === OWNERSHIP_KEY) fail(`config.${key}`, "this key is the provider's ownership marker");
        if (known(value) && typeof value !== "string") fail(`config.${key}`, "config values must be strings");
      }
    }
  }

  const keep = inputs.keepOnServer;
  if (keep !== undefined && known(keep) && (!Array.isArray(keep) || keep.some((key) => typeof key !== "string" || !CONFIG_KEY.test(key)))) {
    fail("keepOnServer", "keepOnServer must be a list of config keys");
  }

  const elsewhere = inputs.setElsewhere;
  if (elsewhere !== undefined && known(elsewhere) && (!Array.isArray(elsewhere) || elsewhere.some((key) => typeof key !== "string" || !CONFIG_KEY.test(key)))) {
    fail("setElsewhere", "setElsewhere must be a list of config keys");
  }
  const restartedByDeploy = inputs.restartedByDeploy;
  if (
    restartedByDeploy !== undefined &&
    known(restartedByDeploy) &&
    (!Array.isArray(restartedByDeploy) || restartedByDeploy.some((key) => typeof key !== "string" || !CONFIG_KEY.test(key)))
  ) {
    fail("restartedByDeploy", "restartedByDeploy must be a list of config keys");
  }
  if (isRecord(config) && Array.isArray(elsewhere)) {
    for (const key of elsewhere) if (typeof key === "string" && key in config) fail(`config.${key}`, "this key is set by another resource (setElsewhere): give it to one of them only");
  }

  const scale = inputs.scale;
  if (known(scale)) {
    if (!isRecord(scale)) fail("scale", "scale must be { web, worker }");
    else {
      for (const type of ["web", "worker"]) {
        const count = scale[type];
        if (known(count) && (typeof count !== "number" || !Number.isInteger(count) || count < 0)) {
          fail(`scale.${type}`, `${type} must be a whole number of processes, 0 or more`);
        }
      }
    }
  }
  return { inputs, failures };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
