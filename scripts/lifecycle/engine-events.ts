import type { EngineEvent } from "@pulumi/pulumi/automation";
import type { DriftedResource, DriftOutcome, FieldChange } from "./stack-engine";

/** Steps that mean the live world differs from what the program declares. `same`, `read` and `refresh` do not. */
const CHANGING_OPS = new Set(["create", "update", "delete", "replace", "create-replacement", "delete-replaced", "import"]);

/** The resources a preview would change, from its engine events (never from its text output). */
export function driftedResources(events: readonly EngineEvent[]): DriftedResource[] {
  const byUrn = new Map<string, DriftedResource>();
  for (const event of events) {
    const step = event.resourcePreEvent?.metadata;
    if (!step || !CHANGING_OPS.has(step.op) || step.logical === false) continue;
    if (step.type === "pulumi:pulumi:Stack") continue;
    const keys = step.detailedDiff ? Object.keys(step.detailedDiff) : step.diffs?.length ? step.diffs : changedFields(step.old?.outputs, step.new?.inputs);
    const fields: FieldChange[] = keys.map((path) => ({
      path,
      actual: valueAt(step.old?.outputs ?? step.old?.inputs, path),
      declared: valueAt(step.new?.inputs, path),
    }));
    const previous = byUrn.get(step.urn);
    if (previous) previous.fields.push(...fields.filter((f) => !previous.fields.some((p) => p.path === f.path)));
    else byUrn.set(step.urn, { urn: step.urn, type: step.type, op: step.op, fields });
  }
  return [...byUrn.values()];
}

/** How a secret value appears in engine events: masked text, or the wire format's secret marker. */
export function isMasked(value: unknown): boolean {
  return value === "[secret]" || (value !== null && typeof value === "object" && "4dabf18193072939515e22adb298388d" in value);
}

/**
 * The fields that differ between what the refresh read (the old outputs) and what the program declares (the new
 * inputs), for a step whose provider named none: @pulumi/pulumi's dynamic-provider host drops a DiffResult's field
 * lists, so the engine reports no `diffs`/`detailedDiff` for any dynamic resource. Plain objects are compared key by
 * key (`config.APP_ENV`); a secret value is masked in events, so a secret field is named as a whole, and only when no
 * field that can be compared differs (it must be the one that changed).
 */
export function changedFields(actual: Record<string, unknown> | undefined, declared: Record<string, unknown> | undefined): string[] {
  if (!actual || !declared) return [];
  const plain: string[] = [];
  const masked: string[] = [];
  const walk = (left: unknown, right: unknown, path: string): void => {
    if (isMasked(left) || isMasked(right)) {
      masked.push(path);
      return;
    }
    if (isPlainObject(left) && isPlainObject(right)) {
      for (const key of new Set([...Object.keys(left), ...Object.keys(right)])) walk(left[key], right[key], `${path}.${key}`);
      return;
    }
    if (JSON.stringify(left) !== JSON.stringify(right)) plain.push(path);
  };
  for (const key of Object.keys(declared)) {
    if (key === "__provider") continue;
    walk(actual[key], declared[key], key);
  }
  return plain.length > 0 ? plain : masked;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** Error diagnostics the engine raised: a preview that hit one cannot say whether the stack drifted. */
export function engineErrors(events: readonly EngineEvent[]): string[] {
  const errors: string[] = [];
  for (const event of events) {
    const diagnostic = event.diagnosticEvent;
    if (diagnostic?.severity === "error") errors.push(diagnostic.message.trim());
    const policy = event.policyEvent;
    if (policy?.enforcementLevel === "mandatory") errors.push(`policy ${policy.policyPackName}/${policy.policyName}: ${policy.message.trim()}`);
  }
  return errors;
}

/**
 * Classifies a `preview --refresh --expect-no-changes`. The CLI exits non-zero both when it finds changes and when it
 * fails, with no reliable exit code between versions, so the events decide: changes and no error → drifted;
 * any error diagnostic → error; success → clean.
 */
export function classifyDriftPreview(succeeded: boolean, events: readonly EngineEvent[], failure?: string): DriftOutcome {
  const resources = driftedResources(events);
  const errors = engineErrors(events);
  if (errors.length > 0) return { kind: "error", message: errors.join("\n") };
  if (resources.length > 0) return { kind: "drifted", resources };
  if (succeeded) return { kind: "clean" };
  return { kind: "error", message: failure ?? "the preview failed without reporting a change" };
}

function valueAt(source: Record<string, unknown> | undefined, path: string): unknown {
  let current: unknown = source;
  for (const part of path.split(/\.|\[(\d+)\]/).filter((p) => p !== undefined && p !== "")) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}
