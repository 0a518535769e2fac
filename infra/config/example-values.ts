import { type ConfigProblem, type ConfigSource, withFile } from "./problems";

/**
 * Values that only ever stand for a real one: the domains RFC 2606 reserves for examples, the addresses RFC 5737 and
 * RFC 3849 reserve for documentation, and the placeholders Pulumi.yaml ships with (its host key, zone id and
 * repository). A stack still holding one plans (so a fresh clone's `npm run plan` works) but must not deploy.
 */
const EXAMPLE_PATTERNS: readonly { pattern: RegExp; what: string }[] = [
  { pattern: /(^|[.@/])example\.(com|net|org)($|[/:])/i, what: "a domain reserved for examples (RFC 2606)" },
  { pattern: /^(192\.0\.2|198\.51\.100|203\.0\.113)\.\d{1,3}$/, what: "an address reserved for documentation (RFC 5737)" },
  { pattern: /^2001:db8:/i, what: "an address reserved for documentation (RFC 3849)" },
  { pattern: /ExampleExample/, what: "the example host key Pulumi.yaml ships with" },
  { pattern: /^0123456789abcdef0123456789abcdef$/, what: "the example zone id Pulumi.yaml ships with" },
  { pattern: /(github\.com|gitlab\.com)[/:]example\//i, what: "the example repository Pulumi.yaml ships with" },
];

/** Keys CI sets per run: never a shipped example. */
const SET_BY_CI = new Set(["restant:kind", "restant:branch", "restant:pr", "restant:commit"]);

/** One example value still in a stack's config: the key, the value and the file to change it in. */
export interface ExampleValue extends ConfigProblem {
  value: string;
}

/** Every example value in a stack's `restant:*` config (raw, as the engine hands it: objects as JSON text). */
export function exampleValuesIn(raw: Readonly<Record<string, string>>, source: ConfigSource): ExampleValue[] {
  const found: ExampleValue[] = [];
  for (const [key, text] of Object.entries(raw)) {
    if (!key.startsWith("restant:") || SET_BY_CI.has(key)) continue;
    for (const [path, value] of leaves(parsedOr(text), key)) {
      const example = EXAMPLE_PATTERNS.find((p) => p.pattern.test(value));
      if (!example) continue;
      const located = withFile({ key: path, message: "" }, source);
      const where = located.file ?? source.origin;
      found.push({
        key: path,
        value,
        ...(located.file ? { file: located.file } : {}),
        message: `is still the example value ${JSON.stringify(value)} (${example.what}): replace the example value of ${path} in ${where} with yours`,
      });
    }
  }
  return found;
}

/** Warnings for the offline plan, one line each. */
export function exampleValueWarnings(examples: readonly ExampleValue[]): string[] {
  return examples.map((e) => `warning: ${e.key} ${e.message}; a real pulumi preview or up refuses it`);
}

function parsedOr(text: string): unknown {
  if (!/^\s*[[{]/.test(text)) return text;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Every string inside a value with its key path (`restant:dokku.hostKey`, `restant:grafana.oncallEmails.0`). */
function leaves(value: unknown, path: string): Array<[string, string]> {
  if (typeof value === "string") return [[path, value]];
  if (value === null || typeof value !== "object") return [];
  return Object.entries(value).flatMap(([k, v]) => leaves(v, `${path}.${k}`));
}
