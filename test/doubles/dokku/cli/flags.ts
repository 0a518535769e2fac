import { DokkuFailure } from "./failure";

/** The flags one subcommand accepts: booleans, and strings with their default. */
export interface FlagSpec {
  booleans?: readonly string[];
  strings?: Readonly<Record<string, string>>;
}

export interface ParsedFlags {
  positional: string[];
  booleans: Set<string>;
  strings: Map<string, string>;
}

/**
 * Parses arguments the way spf13/pflag (used by Dokku's Go subcommands) does with ExitOnError: flags may come
 * anywhere among the positionals, `--` ends them, and an unknown flag exits 2 with pflag's message. A value such as
 * `K=--x` is positional because it does not start with a dash.
 */
export function parseFlags(command: string, args: readonly string[], spec: FlagSpec): ParsedFlags {
  const booleans = new Set<string>();
  const strings = new Map<string, string>(Object.entries(spec.strings ?? {}));
  const positional: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === "--") {
      positional.push(...args.slice(i + 1));
      break;
    }
    if (arg.startsWith("--")) {
      const [name, inline] = splitOnce(arg.slice(2));
      if (spec.booleans?.includes(name)) {
        if (inline === undefined || inline === "true") booleans.add(name);
        else if (inline !== "false") throw usage(command, `invalid argument "${inline}" for "--${name}" flag`);
        continue;
      }
      if (spec.strings && name in spec.strings) {
        const value = inline ?? args[++i];
        if (value === undefined) throw usage(command, `flag needs an argument: --${name}`);
        strings.set(name, value);
        continue;
      }
      throw usage(command, `unknown flag: --${name}`);
    }
    if (arg.startsWith("-") && arg.length > 1) throw usage(command, `unknown shorthand flag: '${arg[1]}' in ${arg}`);
    positional.push(arg);
  }
  return { positional, booleans, strings };
}

function splitOnce(text: string): [string, string | undefined] {
  const at = text.indexOf("=");
  return at < 0 ? [text, undefined] : [text.slice(0, at), text.slice(at + 1)];
}

/** pflag prints the error then the usage of the flag set, and exits 2. */
function usage(command: string, message: string): DokkuFailure {
  const failure = new DokkuFailure([], 2);
  failure.raw = `${message}\nUsage of ${command}:\n`;
  return failure;
}
