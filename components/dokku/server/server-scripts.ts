import { cronScheduleProblem } from "../../../infra/config/cron-schedule";
import { dokkuCommandLine } from "../client/command-line";
import { shellWord } from "./shell-word";

export { shellWord } from "./shell-word";
export {
  SNAPSHOT_GENERATION_PATH,
  SNAPSHOT_LOCK_PATH,
  SNAPSHOT_REFRESH_CRON,
  SNAPSHOT_REFRESH_PATH,
  snapshotRefreshScript,
  type SnapshotRefreshOptions,
} from "./snapshot-refresh-script";
export { POOL_REFILL_CRON, POOL_REFILL_PATH, poolRefillScript, type PoolRefillOptions } from "./pool-refill-script";

/**
 * The shell scripts the program installs on the Dokku server (as root, through remote.Command with the script on
 * stdin): the weekly snapshot refresh and the preview wildcard certificate. Every value is quoted here and every
 * script passes shellcheck (test/unit/server-scripts.test.ts). Dokku invocations go through the one quoting helper.
 */

const dokku = (...args: string[]) => dokkuCommandLine(args, "root");

export const WILDCARD_CERTS_PATH = "/usr/local/sbin/restant-wildcard-certs";
export const WILDCARD_CERTS_CRON = "/etc/cron.d/restant-wildcard-certs";

/** Installs a script and its cron entry; run as root with `sh -s` and this text on stdin. */
export function cronInstallScript(options: { path: string; script: string; cronPath: string; schedule: string; log: string }): string {
  // A cron line cannot quote its schedule: the schedule is checked field by field instead (restant:database.refreshSchedule).
  const problem = cronScheduleProblem(options.schedule);
  if (problem) throw new Error(`cron schedule for ${options.path}: ${problem}`);
  const cronLine = `${options.schedule} root ${shellWord(options.path)} >>${shellWord(options.log)} 2>&1`;
  return `#!/bin/sh
set -eu
umask 022
cat >${shellWord(options.path)}.new <<'RESTANT_SCRIPT'
${options.script.trimEnd()}
RESTANT_SCRIPT
chmod 0755 ${shellWord(options.path)}.new
mv ${shellWord(options.path)}.new ${shellWord(options.path)}
cat >${shellWord(options.cronPath)} <<'RESTANT_CRON'
# Installed by the restant platform stack (Pulumi).
SHELL=/bin/sh
PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
${cronLine}
RESTANT_CRON
chmod 0644 ${shellWord(options.cronPath)}
`;
}

/** Removes what cronInstallScript installed. */
export function cronRemoveScript(options: { path: string; cronPath: string }): string {
  return `rm -f ${shellWord(options.path)} ${shellWord(options.cronPath)}`;
}

/**
 * The wildcard certificate for previews: a holder app whose only domain is `*.<zone>` gets it from Let's Encrypt over
 * DNS-01 (Cloudflare token read by lego from a file on the host, never in Pulumi), renewed by `letsencrypt:enable`'s
 * own idempotence; the certificate is then installed on preview apps with `certs:add`. With an app argument only that
 * app; without, every preview app (the daily cron, which carries renewals to running previews).
 */
export function wildcardCertsScript(options: { holderApp: string; domain: string; cloudflareTokenFile: string; previewAppPattern: string }): string {
  const holder = shellWord(options.holderApp);
  return `#!/bin/sh
# Installed by the restant platform stack (Pulumi): one DNS-01 wildcard certificate for all previews.
set -eu

holder=${holder}

# Where Dokku keeps apps: DOKKU_ROOT from its defaults file, else /home/dokku.
dokku_root_dir() {
  if [ -r /etc/default/dokku ]; then
    # shellcheck disable=SC1091
    . /etc/default/dokku
  fi
  echo "\${DOKKU_ROOT:-/home/dokku}"
}

if ! ${dokku("apps:exists", options.holderApp)} >/dev/null 2>&1; then
  ${dokku("apps:create", options.holderApp)}
fi
${dokku("domains:set", options.holderApp, options.domain)}
${dokku("letsencrypt:set", options.holderApp, "dns-provider", "cloudflare")}
${dokku("letsencrypt:set", options.holderApp, "lego-docker-options", `-v ${options.cloudflareTokenFile}:/run/secrets/cloudflare-token:ro`)}
${dokku("letsencrypt:set", options.holderApp, "dns-provider-CLOUDFLARE_DNS_API_TOKEN_FILE", "/run/secrets/cloudflare-token")}
dokku letsencrypt:enable "$holder"

tls_dir="$(dokku_root_dir)/$holder/tls"
bundle="$(mktemp -d)"
trap 'rm -rf "$bundle"' EXIT
cp "$tls_dir/server.crt" "$tls_dir/server.key" "$bundle/"
tar -C "$bundle" -cf "$bundle/cert.tar" server.crt server.key

install_on() {
  dokku certs:add "$1" <"$bundle/cert.tar"
}

if [ "$#" -gt 0 ]; then
  for app in "$@"; do
    install_on "$app"
  done
else
  dokku --quiet apps:list | grep -E ${shellWord(options.previewAppPattern)} | while read -r app; do
    install_on "$app"
  done
fi
`;
}
