/**
 * What real Dokku 0.38 (and the plugins the project installs) answers to. A command real Dokku has but the double
 * lacks is reported as a gap of the double, so a test never mistakes it for Dokku refusing the command; anything else
 * is refused as Dokku refuses an unknown command.
 */
const DATASTORE = [
  "app-links", "backup", "backup-auth", "backup-deauth", "backup-schedule", "backup-schedule-cat",
  "backup-set-encryption", "backup-set-public-key-encryption", "backup-unschedule", "backup-unset-encryption",
  "backup-unset-public-key-encryption", "clone", "connect", "create", "destroy", "enter", "exists", "export",
  "expose", "import", "info", "link", "linked", "links", "list", "logs", "pause", "promote", "restart", "set", "start",
  "stop", "unexpose", "unlink", "upgrade",
];

/** Subcommands of the namespaces the double implements, from the plugins' sources. */
const SUBCOMMANDS: Record<string, string[]> = {
  apps: ["clone", "create", "destroy", "exists", "list", "lock", "locked", "rename", "report", "set", "unlock"],
  config: ["bundle", "clear", "export", "get", "import", "keys", "set", "show", "unset"],
  domains: ["add", "add-global", "clear", "clear-global", "disable", "enable", "remove", "remove-global", "report", "reset", "set", "set-global", "setup"],
  ps: ["inspect", "rebuild", "report", "restart", "restore", "retire", "scale", "set", "start", "stop"],
  git: ["allow-host", "auth", "auth-status", "from-archive", "from-image", "generate-deploy-key", "initialize", "load-image", "public-key", "report", "set", "status", "sync", "unlock"],
  mysql: DATASTORE,
  redis: DATASTORE,
  letsencrypt: ["active", "auto-renew", "cleanup", "cron-job", "disable", "enable", "list", "report", "revoke", "set"],
  "http-auth": ["add-allowed-ip", "add-user", "disable", "enable", "off", "on", "remove-allowed-ip", "remove-user", "report", "show-config"],
};

/** Core namespaces the double does not implement at all: any subcommand of theirs is a gap of the double. */
const OTHER_NAMESPACES = new Set([
  "app-json", "builder", "builder-dockerfile", "builder-herokuish", "builder-lambda", "builder-nixpacks", "builder-pack",
  "builder-railpack", "buildpacks", "builds", "caddy", "certs", "checks", "cron", "docker-options", "enter", "events",
  "haproxy", "logs", "network", "nginx", "openresty", "plugin", "ports", "proxy", "registry", "repo", "resource", "run",
  "scheduler", "scheduler-docker-local", "scheduler-k3s", "shell", "ssh-keys", "storage", "trace", "traefik",
  "cleanup", "deploy", "report", "url", "urls",
]);

export function isRealDokkuCommand(name: string): boolean {
  const [namespace, subcommand] = name.split(":", 2);
  if (OTHER_NAMESPACES.has(namespace)) return true;
  const known = Object.prototype.hasOwnProperty.call(SUBCOMMANDS, namespace) ? SUBCOMMANDS[namespace] : undefined;
  return known !== undefined && (subcommand === undefined || known.includes(subcommand));
}
