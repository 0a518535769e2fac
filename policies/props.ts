/** Small readers for resource props, which arrive as untyped JSON. */

/** A prop as a string, or undefined when it is anything else. */
export function stringProp(props: Record<string, unknown>, key: string): string | undefined {
  const value = props[key];
  return typeof value === "string" ? value : undefined;
}

/** A prop as a plain object, or undefined. */
export function objectProp(props: Record<string, unknown>, key: string): Record<string, unknown> | undefined {
  const value = props[key];
  return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/** A prop as a list of strings (non-strings dropped), or [] when absent. */
export function stringListProp(props: Record<string, unknown>, key: string): string[] {
  const value = props[key];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}

/** Every string inside a value, with the dotted path it sits at. */
export function* stringsIn(value: unknown, at = ""): Generator<{ path: string; value: string }> {
  if (typeof value === "string") {
    yield { path: at, value };
  } else if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) yield* stringsIn(item, `${at}[${i}]`);
  } else if (value !== null && typeof value === "object") {
    for (const [key, item] of Object.entries(value as Record<string, unknown>)) yield* stringsIn(item, at === "" ? key : `${at}.${key}`);
  }
}
