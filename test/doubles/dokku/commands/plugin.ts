import { DokkuFailure } from "../cli/failure";
import type { DokkuState } from "../state/types";
import { CommandHandler } from "./context";

/** An installed plugin as `plugn list` knows it (name is its folder under plugins/available). */
interface InstalledPlugin {
  name: string;
  version: string;
  core: boolean;
  description: string;
  /** Third-party plugins installed from git (`plugin:install <url>`) report where from. */
  sourceUrl?: string;
}

/** The double's Dokku version, which core plugins carry as theirs. */
const CORE_VERSION = "0.38.27";

/** Core plugins the double implements (a subset of the ~60 real Dokku enables) and the third-party ones it stands for. */
const PLUGINS: readonly InstalledPlugin[] = [
  ...["00_dokku-standard", "apps", "certs", "config", "domains", "git", "nginx-vhosts", "plugin", "ps"].map((name) => ({
    name,
    version: CORE_VERSION,
    core: true,
    description: `dokku core ${name.replace(/^00_dokku-/, "")} plugin`,
  })),
  { name: "http-auth", version: "0.10.0", core: false, description: "HTTP authentication for apps", sourceUrl: "https://github.com/dokku/dokku-http-auth.git" },
  { name: "letsencrypt", version: "0.22.0", core: false, description: "Automated installation of let's encrypt TLS certificates", sourceUrl: "https://github.com/dokku/dokku-letsencrypt.git" },
  { name: "mysql", version: "1.44.2", core: false, description: "dokku mysql service plugin", sourceUrl: "https://github.com/dokku/dokku-mysql.git" },
  { name: "redis", version: "1.40.4", core: false, description: "dokku redis service plugin", sourceUrl: "https://github.com/dokku/dokku-redis.git" },
];

function installed(state: DokkuState): InstalledPlugin[] {
  const removed = state.uninstalledPlugins ?? [];
  return PLUGINS.filter((plugin) => !removed.includes(plugin.name));
}

/**
 * plugin:list [--format stdout|json] — stdout is `plugn list` (a `plugn: <version>` header, then name, version,
 * enabled and description per line); json is plugin-list's array of PluginInfo, fields in the Go struct's order.
 */
const list: CommandHandler = ({ args, store, console }) => {
  let format = "stdout";
  for (let i = 0; i < args.length; i++) {
    if (args[i] === "--format") format = args[++i] ?? "";
    else if (args[i]!.startsWith("--format=")) format = args[i]!.slice("--format=".length);
  }
  if (format !== "stdout" && format !== "json") throw DokkuFailure.of("Invalid output format specified, supported formats: json, stdout");
  const plugins = installed(store.read());
  if (format === "json") {
    const infos = plugins.map((p) => ({
      name: p.name,
      version: p.version,
      enabled: true,
      core: p.core,
      description: p.description,
      source_url: p.sourceUrl ?? "",
      committish: p.sourceUrl ? "0123456789abcdef0123456789abcdef01234567" : "",
      branch: p.sourceUrl ? "master" : "",
    }));
    console.log(JSON.stringify(infos).replace(/</g, "\\u003c").replace(/>/g, "\\u003e").replace(/&/g, "\\u0026"));
    return;
  }
  console.log("plugn: 0.13.1");
  const width = Math.max(...plugins.map((p) => p.name.length));
  for (const p of plugins) console.log(`  ${p.name.padEnd(width)}  ${p.version.padEnd(7)} enabled    ${p.description}`);
};

export const pluginCommands: Record<string, CommandHandler> = {
  "plugin:list": list,
};
