/** The engine's wire signature key and the value that marks a secret (see @pulumi/pulumi/runtime/rpc). */
const SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

/** A property value as a provider sees it with secrets accepted: secrets arrive wrapped, `{ [SIG_KEY]: SECRET_SIG, value }`. */
export function reveal(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reveal);
  if (value === null || typeof value !== "object") return value;
  const object = value as Record<string, unknown>;
  if (object[SIG_KEY] === SECRET_SIG) return reveal(object.value);
  return Object.fromEntries(Object.entries(object).map(([key, v]) => [key, reveal(v)]));
}

/** Whether two property values are the same once secrets are unwrapped (a secret and its plain value are equal). */
export function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(sorted(reveal(a))) === JSON.stringify(sorted(reveal(b)));
}

function sorted(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sorted);
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(Object.keys(value).sort().map((key) => [key, sorted((value as Record<string, unknown>)[key])]));
}

/** The parts of a URN the providers need: `urn:pulumi:<stack>::<project>::<parent$…$type>::<name>`. */
export function urnParts(urn: string): { type: string; name: string } {
  const parts = urn.split("::");
  return { type: parts[2]?.split("$").pop() ?? "", name: parts.slice(3).join("::") };
}
