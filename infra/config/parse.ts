import type { z } from "zod";
import { configKey, type ConfigProblem, type ConfigSource, StackConfigError } from "./problems";
import { type StackConfig, stackConfigSchema } from "./schema";
import { kindRuleProblems } from "./kind-rules";
import { misspeltNamespaceProblems } from "./namespaces";

const NAMESPACE = "restant:";

/** Keys whose value is a secret (`pulumi config set --secret`). */
const SECRET_KEYS: ReadonlySet<string> = new Set(["previewPassword"]);

/**
 * Turns a stack's raw Pulumi config (every key → string, objects as JSON text, as the engine hands it to the program)
 * into a checked StackConfig, or throws a StackConfigError listing every problem, each naming its key and the file
 * its value came from. Keys of other namespaces (`cloudflare:apiToken`, …) belong to their providers and are left
 * alone, unless the namespace is a misspelt `restant` (`restnt:branch`), which is refused.
 */
export function parseStackConfig(raw: Record<string, string>, source: ConfigSource): StackConfig {
  const problems: ConfigProblem[] = misspeltNamespaceProblems(Object.keys(raw));
  const values: Record<string, unknown> = {};
  for (const [fullKey, text] of Object.entries(raw)) {
    if (!fullKey.startsWith(NAMESPACE)) continue;
    const key = fullKey.slice(NAMESPACE.length);
    values[key] = /^\s*[[{]/.test(text) ? parsedJsonOr(text) : text;
  }

  const parsed = stackConfigSchema.safeParse(values, { reportInput: true });
  if (!parsed.success) problems.push(...parsed.error.issues.flatMap(problemsOfIssue));
  else problems.push(...kindRuleProblems(parsed.data, source.stack));
  if (problems.length > 0 || !parsed.success) throw new StackConfigError(source, problems);
  return parsed.data;
}

/** Objects arrive as JSON text; text that only looks like JSON (a template such as "{slug}.x") stays text. */
function parsedJsonOr(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function problemsOfIssue(issue: z.core.$ZodIssue): ConfigProblem[] {
  if (issue.code === "unrecognized_keys") {
    return issue.keys.map((k) => ({
      key: configKey([...issue.path, k]),
      message: `is not a setting of this program; check its spelling (known keys: ${knownKeys(issue.path)})`,
    }));
  }
  if (issue.input === undefined) {
    return [{ key: configKey(issue.path), message: `is required: ${issue.message}` }];
  }
  // A secret's value is never echoed: the message goes to logs and CI summaries.
  if (SECRET_KEYS.has(String(issue.path[0]))) return [{ key: configKey(issue.path), message: issue.message }];
  return [{ key: configKey(issue.path), message: `${issue.message}; got ${shown(issue.input)}` }];
}

/** The offending value, short. `restant:*` config holds no secrets (credentials come from the environment). */
function shown(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function knownKeys(path: readonly PropertyKey[]): string {
  let shape: z.ZodType = stackConfigSchema;
  for (const segment of path) {
    const inner = unwrap(shape);
    const child = "shape" in inner ? (inner.shape as Record<string, z.ZodType>)[String(segment)] : undefined;
    if (!child) return "";
    shape = child;
  }
  const inner = unwrap(shape);
  return "shape" in inner ? Object.keys(inner.shape as object).join(", ") : "";
}

function unwrap(schema: z.ZodType): z.ZodType {
  let current = schema as z.ZodType & { unwrap?: () => z.ZodType; def?: { innerType?: z.ZodType } };
  for (let i = 0; i < 5; i++) {
    const inner = current.def?.innerType;
    if (!inner) break;
    current = inner as typeof current;
  }
  return current;
}
