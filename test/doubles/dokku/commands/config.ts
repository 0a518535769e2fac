import { DokkuFailure } from "../cli/failure";
import { parseFlags } from "../cli/flags";
import { goJson } from "../cli/go-json";
import { existingApp, setConfig, unsetConfig } from "./app-rules";
import { CommandHandler } from "./context";

/** config:set [--encoded] [--no-restart] app K=V… — restarts on every call, changed or not (config.SetMany). */
const set: CommandHandler = async ({ name, args, store, console }) => {
  const { positional, booleans } = parseFlags(name, args, { booleans: ["global", "encoded", "no-restart"] });
  if (booleans.has("global")) throw DokkuFailure.of("The double does not keep global config");
  const [app, ...pairs] = positional;
  existingApp(store.read(), app);
  if (pairs.length === 0) throw DokkuFailure.of("At least one env pair must be given");
  const entries: Record<string, string> = {};
  for (const pair of pairs) {
    const at = pair.indexOf("=");
    if (at < 0) throw DokkuFailure.of(`Invalid env pair: ${pair}`);
    const key = pair.slice(0, at);
    const value = pair.slice(at + 1);
    entries[key] = booleans.has("encoded") ? decodeStdBase64(value, key) : value;
  }
  await store.update((state) => {
    existingApp(state, app);
    setConfig(state, app, entries, !booleans.has("no-restart"), console);
  });
};

/** config:unset [--no-restart] app KEY… */
const unset: CommandHandler = async ({ name, args, store, console }) => {
  const { positional, booleans } = parseFlags(name, args, { booleans: ["global", "no-restart"] });
  const [app, ...keys] = positional;
  existingApp(store.read(), app);
  if (keys.length === 0) throw DokkuFailure.of("At least one key must be given");
  await store.update((state) => {
    existingApp(state, app);
    unsetConfig(state, app, keys, !booleans.has("no-restart"), console);
  });
};

/** config:get app KEY — exits 1 silently when the key is not set. */
const get: CommandHandler = ({ name, args, store, console }) => {
  const { positional, booleans } = parseFlags(name, args, { booleans: ["global", "quoted"] });
  const [app, ...keys] = positional;
  const target = existingApp(store.read(), app);
  if (keys.length === 0) throw DokkuFailure.of("Expected: key");
  if (keys.length !== 1) throw DokkuFailure.of(`Unexpected argument(s): [${keys.slice(1).join(" ")}]`);
  if (!/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(keys[0]) || !(keys[0] in target.config)) throw new DokkuFailure([], 1);
  const value = target.config[keys[0]];
  console.log(booleans.has("quoted") ? `'${singleQuoteEscape(value)}'` : value);
};

const keys: CommandHandler = ({ name, args, store, console }) => {
  const { positional } = parseFlags(name, args, { booleans: ["global", "merged"] });
  for (const key of Object.keys(existingApp(store.read(), positional[0]).config).sort()) console.log(key);
};

/** config:export --format json|exports|envfile|shell|json-list|docker-args|docker-args-keys|pack-keys|pretty */
const exportConfig: CommandHandler = ({ name, args, store, console }) => {
  const { positional, strings } = parseFlags(name, args, {
    booleans: ["global", "merged"],
    strings: { format: "exports" },
  });
  const env = existingApp(store.read(), positional[0]).config;
  const format = strings.get("format") ?? "exports";
  const sortedKeys = Object.keys(env).sort();
  const quoted = (prefix: string) => sortedKeys.map((k) => `${prefix}${k}='${singleQuoteEscape(env[k])}'`);
  const formats: Record<string, () => string> = {
    json: () => `${goJson(env)}\n`,
    "json-list": () => `${sortedKeys.length === 0 ? "null" : goJson(sortedKeys.map((k) => ({ name: k, value: env[k] })))}\n`,
    exports: () => `${quoted("export ").join("\n")}\n`,
    shell: () => `${quoted("").join(" ")} `,
    "docker-args": () => `${quoted("--env=").join(" ")}\n`,
    "docker-args-keys": () => `${sortedKeys.map((k) => `--env=${k}`).join(" ")}\n`,
    "pack-keys": () => `${sortedKeys.map((k) => `--env ${k}`).join(" ")}\n`,
    envfile: () => `${sortedKeys.map((k) => `${k}=${dotenvQuote(env[k])}`).join("\n")}\n`,
    pretty: () => `${prettyColumns(env)}\n`,
  };
  const render = formats[format];
  if (!render) throw DokkuFailure.of(`Unknown export format: ${format}`);
  console.write(render());
};

const show: CommandHandler = ({ name, args, store, console }) => {
  const { positional } = parseFlags(name, args, { booleans: ["global", "merged"] });
  console.log(prettyColumns(existingApp(store.read(), positional[0]).config));
};

function singleQuoteEscape(value: string): string {
  return value.replace(/'/g, "'\\''");
}

/** godotenv.Marshal: numbers bare, everything else double-quoted with backslash escapes. */
function dotenvQuote(value: string): string {
  if (/^-?\d+$/.test(value)) return value;
  const escaped = value
    .replace(/\\/g, "\\\\")
    .replace(/\n/g, "\\n")
    .replace(/\r/g, "\\r")
    .replace(/"/g, '\\"')
    .replace(/!/g, "\\!")
    .replace(/\$/g, "\\$")
    .replace(/`/g, "\\`");
  return `"${escaped}"`;
}

function prettyColumns(env: Record<string, string>): string {
  const keys = Object.keys(env).sort();
  const width = Math.max(0, ...keys.map((k) => k.length + 1));
  return keys.map((k) => `${`${k}:`.padEnd(width)}  ${env[k]}`).join("\n");
}

/** Go's base64.StdEncoding.DecodeString, including its error text for malformed input. */
function decodeStdBase64(value: string, key: string): string {
  const cleaned = value.replace(/[\r\n]/g, "");
  const bad = /[^A-Za-z0-9+/=]/.exec(cleaned);
  const paddingAt = cleaned.indexOf("=");
  const malformedAt =
    bad?.index ??
    (cleaned.length % 4 !== 0
      ? cleaned.length - (cleaned.length % 4)
      : paddingAt >= 0 && /[^=]/.test(cleaned.slice(paddingAt))
        ? paddingAt
        : -1);
  if (malformedAt >= 0) throw DokkuFailure.of(`illegal base64 data at input byte ${malformedAt} for key '${key}'`);
  return Buffer.from(cleaned, "base64").toString("utf8");
}

export const configCommands: Record<string, CommandHandler> = {
  "config:set": set,
  "config:unset": unset,
  "config:get": get,
  "config:keys": keys,
  "config:export": exportConfig,
  "config:show": show,
  config: show,
};
