import type { PlanResult } from "./evaluate";
import { type RecordedResource, SECRET_MASK } from "./recorded-resource";
import type { PolicyViolation } from "./run-policies";

/** Inputs too big or too internal to print: shown by size only. */
const HIDDEN_INPUTS = new Set(["__provider"]);

/**
 * The plan as one JSON document:
 * `{ stack, origin, spec, resources: [{ type, name, parent, inputs, options }], outputs, policyViolations, warnings }`.
 */
export function planAsJson(plan: PlanResult, violations: readonly PolicyViolation[] = []): string {
  return JSON.stringify(
    {
      stack: plan.stack,
      origin: plan.origin,
      spec: plan.spec,
      resources: plan.resources.map((r) => ({
        type: r.type,
        name: r.name,
        parent: r.parent ? nameOfUrn(r.parent) : null,
        inputs: printable(r.inputs),
        options: r.options,
      })),
      outputs: Object.fromEntries(Object.entries(plan.outputs).map(([k, o]) => [k, o.secret ? SECRET_MASK : o.value])),
      policyViolations: violations.map((v) => ({ ...v, resource: v.urn ? nameOfUrn(v.urn) : null })),
      warnings: plan.warnings,
    },
    null,
    2,
  );
}

/** The plan for a person: the spec's names, the resource tree with key inputs, the outputs; secrets masked. */
export function planAsText(plan: PlanResult, violations: readonly PolicyViolation[] = []): string {
  const lines: string[] = [];
  const { spec } = plan;
  lines.push(`stack ${plan.stack} (${spec.kind}) — config from ${plan.origin}`);
  if (spec.kind !== "platform") {
    lines.push(`  hostname  ${spec.hostname}`, `  url       ${spec.url}`, `  branch    ${JSON.stringify(spec.branch)}`);
    lines.push("  names");
    for (const [key, value] of Object.entries(spec.names)) lines.push(`    ${key.padEnd(22)}${value}`);
  }
  lines.push("", `resources (${plan.resources.length})`);
  const children = new Map<string | undefined, RecordedResource[]>();
  for (const r of plan.resources) children.set(r.parent, [...(children.get(r.parent) ?? []), r]);
  const draw = (parent: string | undefined, indent: string) => {
    const list = children.get(parent) ?? [];
    list.forEach((r, i) => {
      const last = i === list.length - 1;
      const flags = [r.options.protect ? "protect" : "", r.options.retainOnDelete ? "retainOnDelete" : ""].filter(Boolean);
      lines.push(`${indent}${last ? "└─" : "├─"} ${r.type}  ${r.name}${flags.length ? `  [${flags.join(", ")}]` : ""}`);
      const inner = `${indent}${last ? "   " : "│  "}`;
      for (const [key, value] of Object.entries(printable(r.inputs))) {
        if (r.custom) lines.push(`${inner}    ${key} = ${short(value)}`);
      }
      draw(r.urn, inner);
    });
  };
  draw(undefined, "  ");
  lines.push("", "outputs");
  for (const [key, output] of Object.entries(plan.outputs)) {
    lines.push(`  ${key.padEnd(20)}${output.secret ? SECRET_MASK : short(output.value)}`);
  }
  lines.push("", violations.length === 0 ? "policies: no violations" : `policies: ${violations.length} violation(s)`);
  for (const v of violations) {
    lines.push(`  [${v.enforcementLevel}] ${v.policy}${v.urn ? ` (${nameOfUrn(v.urn)})` : ""}: ${v.message}`);
  }
  return lines.join("\n");
}

function printable(inputs: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(inputs)) {
    out[key] = HIDDEN_INPUTS.has(key) ? `[${typeof value === "string" ? value.length : 0} characters of serialized provider]` : value;
  }
  return out;
}

function short(value: unknown): string {
  // The mocks leave undefined what only a provider can tell (where the database came from, the backup's record).
  if (value === undefined) return "(known after up)";
  const text = typeof value === "string" ? value : JSON.stringify(value);
  return text.length > 160 ? `${text.slice(0, 157)}...` : text;
}

function nameOfUrn(urn: string): string {
  return urn.split("::").pop() ?? urn;
}
