/** The `pulumi` command line as cobra parses it: words, then `--flag value`, `--flag=value`, booleans, and `--`. */
export interface ParsedArgs {
  words: string[];
  flags: Map<string, string[]>;
  /** Everything after `--`. */
  rest: string[];
}

export class UsageError extends Error {}

/** Flags that take a value; any other known flag is a boolean. Unknown flags are refused, as cobra refuses them. */
const VALUED = new Set([
  "stack", "s", "message", "m", "policy-pack", "policy-pack-config", "exec-kind", "event-log", "client", "color",
  "secrets-provider", "page-size", "page", "parallel", "p", "target", "exclude", "replace", "cwd", "C", "exec-agent",
  "config-file", "tracing", "verbose", "v",
]);
const BOOLEAN = new Set([
  "non-interactive", "yes", "y", "skip-preview", "refresh", "expect-no-changes", "json", "show-secrets", "plaintext",
  "secret", "path", "force", "preserve-config", "no-select", "diff", "all", "debug", "logflow", "logtostderr",
  "suppress-outputs", "help", "h",
]);

export function parseArgs(argv: readonly string[]): ParsedArgs {
  const parsed: ParsedArgs = { words: [], flags: new Map(), rest: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--") {
      parsed.rest = argv.slice(i + 1);
      break;
    }
    if (!arg.startsWith("-") || arg === "-") {
      parsed.words.push(arg);
      continue;
    }
    const [rawName, inline] = arg.replace(/^--?/, "").split(/=(.*)/s, 2) as [string, string | undefined];
    if (VALUED.has(rawName)) {
      const value = inline ?? argv[++i];
      if (value === undefined) throw new UsageError(`flag needs an argument: --${rawName}`);
      parsed.flags.set(rawName, [...(parsed.flags.get(rawName) ?? []), value]);
    } else if (BOOLEAN.has(rawName)) {
      parsed.flags.set(rawName, [inline ?? "true"]);
    } else {
      throw new UsageError(`unknown flag: --${rawName}`);
    }
  }
  return parsed;
}

export function flag(args: ParsedArgs, ...names: string[]): string | undefined {
  for (const name of names) {
    const values = args.flags.get(name);
    if (values?.length) return values[values.length - 1];
  }
  return undefined;
}

export function flags(args: ParsedArgs, name: string): string[] {
  return args.flags.get(name) ?? [];
}

export function has(args: ParsedArgs, ...names: string[]): boolean {
  return names.some((n) => args.flags.get(n)?.[0] === "true");
}
