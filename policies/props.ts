import { UnknownValueError } from "@pulumi/policy";

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

/**
 * Every known string inside a value, with the dotted path it sits at. Values not known yet (during `pulumi preview`
 * the engine's policy SDK throws UnknownValueError on reading one) are skipped: they cannot hold a name to judge.
 */
export function* stringsIn(value: unknown, at = ""): Generator<{ path: string; value: string }> {
  if (typeof value === "string") {
    yield { path: at, value };
  } else if (value !== null && typeof value === "object") {
    const list = Array.isArray(value);
    for (const key of Object.keys(value)) {
      const item = knownOrSkip(() => (value as Record<string, unknown>)[key]);
      if (item !== SKIP) yield* stringsIn(item, list ? `${at}[${key}]` : at === "" ? key : `${at}.${key}`);
    }
  }
}

/**
 * Whether a prop is known: false when the engine does not know it yet during `pulumi preview` (the policy SDK throws
 * UnknownValueError on reading it). An absent prop is known (it is absent).
 */
export function isKnownProp(props: Record<string, unknown>, key: string): boolean {
  return knownOrSkip(() => props[key]) !== SKIP;
}

/** Whether a prop is known to be absent (not merely unknown during a preview). */
export function isAbsentProp(props: Record<string, unknown>, key: string): boolean {
  return knownOrSkip(() => props[key]) === undefined;
}

/** A prop as a list of strings (non-strings dropped), or [] when absent or not known yet. */
export function knownStringListProp(props: Record<string, unknown>, key: string): string[] {
  const value = knownOrSkip(() => props[key]);
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}

/** A prop as a string, or undefined when it is anything else or not known yet (never throws for an unknown). */
export function knownStringProp(props: Record<string, unknown>, key: string): string | undefined {
  const value = knownOrSkip(() => props[key]);
  return typeof value === "string" ? value : undefined;
}

/** A prop as a plain object, or undefined when it is anything else or not known yet (never throws for an unknown). */
export function knownObjectProp(props: Record<string, unknown>, key: string): Record<string, unknown> | undefined {
  const value = knownOrSkip(() => props[key]);
  return value !== SKIP && value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

const SKIP = Symbol("unknown");

function knownOrSkip(read: () => unknown): unknown {
  try {
    return read();
  } catch (error) {
    if (error instanceof UnknownValueError) return SKIP;
    throw error;
  }
}
