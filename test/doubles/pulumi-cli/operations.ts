import { existsSync } from "node:fs";
import * as path from "node:path";
import { CliError, type BackendStore, type StackState, type StoredResource } from "./backend-store";
import { flags, has, type ParsedArgs } from "./cli-args";
import type { EventSink } from "./event-sink";
import { declareWithRealProgram, type Declared } from "./real-program";
import { StackLock } from "./stack-lock";
import type { StackBehaviour, World } from "./world";

export interface Output {
  stdout: string[];
  stderr: string[];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** `--policy-pack` paths must be policy packs: a folder holding PulumiPolicy.yaml, as the CLI requires. */
export function checkPolicyPacks(store: BackendStore, args: ParsedArgs): string[] {
  const packs = flags(args, "policy-pack");
  for (const pack of packs) {
    if (!existsSync(path.join(path.resolve(store.cwd, pack), "PulumiPolicy.yaml"))) {
      throw new CliError(`error: could not load policy pack "${pack}": no PulumiPolicy.yaml found`, 2);
    }
  }
  return packs;
}

function requireYes(args: ParsedArgs, command: string): void {
  if (!has(args, "yes", "y") && !has(args, "skip-preview")) {
    throw new CliError(`error: --yes or --skip-preview must be passed in to proceed when running in non-interactive mode (${command})`, 2);
  }
}

function stepEvent(op: string, resource: StoredResource, extra: Record<string, unknown> = {}) {
  return {
    resourcePreEvent: {
      metadata: { op, urn: resource.urn, type: resource.type, provider: "", new: { type: resource.type, urn: resource.urn, id: "", parent: "", inputs: resource.inputs, outputs: {}, provider: "" }, ...extra },
    },
  };
}

function summary(sink: EventSink, changes: Record<string, number>, packs: string[]): void {
  sink.emit({ summaryEvent: { maybeCorrupt: false, durationSeconds: 1, resourceChanges: changes, policyPacks: Object.fromEntries(packs.map((p) => [p, "0.0.1"])) } });
}

/**
 * `--policy-pack policies`: what the project's pack reported over the program's resources, as the engine shows it (a
 * policy event each, a "Policies:" section); the mandatory ones, which fail the operation. Every pack path names the
 * project's one pack (checkPolicyPacks), so no pack means no policy ran.
 */
function reportPolicies(declared: Declared, packs: string[], sink: EventSink, out: Output): Declared["violations"] {
  if (packs.length === 0 || declared.violations.length === 0) return [];
  for (const v of declared.violations) {
    sink.emit({
      policyEvent: {
        ...(v.urn ? { resourceUrn: v.urn } : {}),
        message: v.message,
        color: "never",
        policyName: v.policy,
        policyPackName: declared.policyPack,
        policyPackVersion: "0.0.1",
        policyPackVersionTag: "0.0.1",
        enforcementLevel: v.enforcementLevel === "mandatory" ? "mandatory" : "warning",
      },
    });
  }
  out.stdout.push("Policies:", `    ${declared.violations.some((v) => v.enforcementLevel === "mandatory") ? "❌" : "⚠️"} ${declared.policyPack}@v0.0.1 (local: ${packs.join(", ")})`);
  for (const v of declared.violations) out.stdout.push(`        - [${v.enforcementLevel}]  ${v.policy}  (${v.urn ?? "stack"})`, `          ${v.message}`);
  return declared.violations.filter((v) => v.enforcementLevel === "mandatory");
}

function outputsText(outputs: StackState["outputs"]): string[] {
  return ["Outputs:", ...Object.entries(outputs).map(([k, o]) => `    ${k}: ${o.secret ? "[secret]" : JSON.stringify(o.value)}`)];
}

/**
 * What `up` and `destroy` share: `--yes`, the passphrase, the stack's lock for the whole operation, and the world's
 * behaviour for the stack (consumed counters are saved by the operation through `save`).
 */
async function underLock(
  store: BackendStore,
  stack: string,
  args: ParsedArgs,
  command: string,
  operation: (world: World, behaviour: StackBehaviour) => Promise<void>,
): Promise<void> {
  requireYes(args, command);
  store.requirePassphrase();
  const lock = new StackLock(store, stack);
  lock.acquire();
  try {
    const world = store.world();
    world.stacks ??= {};
    const behaviour = (world.stacks[stack] ??= {});
    await operation(world, behaviour);
  } finally {
    lock.release();
  }
}

/**
 * An update that refreshed first (`up --refresh`) or a destroy puts every drifted property back (or removes it): the
 * drift is gone. A plain `up` diffs against the state, which still holds the declared values: the drift stays, as on
 * the real engine (test/engine/scenarios/preview-stack.ts).
 */
function clearDrift(store: BackendStore, world: World, behaviour: StackBehaviour): void {
  if (!behaviour.drift) return;
  delete behaviour.drift;
  store.saveWorld(world);
}

/** `pulumi up`: makes what the real program declares; a scripted failure makes half of it and stops. */
export async function up(store: BackendStore, stack: string, args: ParsedArgs, sink: EventSink, out: Output): Promise<void> {
  const packs = checkPolicyPacks(store, args);
  await underLock(store, stack, args, "up", async (world, behaviour) => {
    if (behaviour.upDelayMs) await sleep(behaviour.upDelayMs);
    for (let waited = 0; behaviour.upHeldUntil && !existsSync(behaviour.upHeldUntil) && waited < 120_000; waited += 50) await sleep(50);
    const state = store.read(stack);
    const declared = await declareOrFail(store, stack, sink, packs);
    const start = new Date().toISOString();
    sink.emit({ preludeEvent: { config: {} } });
    out.stdout.push(`Updating (${stack}):`);
    if (behaviour.failUp) {
      behaviour.failUp--;
      store.saveWorld(world);
      const half = declared.resources.slice(0, Math.ceil(declared.resources.length / 2));
      const failing = declared.resources.find((r) => r.name === behaviour.failingResource) ?? declared.resources[half.length]!;
      // As the engine: nothing that waits for the failed resource (dependsOn, or inside a component that does) is made.
      const blocked = waitingFor(declared.resources, failing.urn);
      const made = half.filter((r) => r.urn !== failing.urn && !blocked.has(r.urn));
      for (const r of made) sink.emit(stepEvent("create", r));
      for (const line of behaviour.failUpLog ?? []) out.stdout.push(`    ${failing.name} (${failing.type}): ${line}`);
      sink.emit({ diagnosticEvent: { urn: failing.urn, message: `creating ${failing.name}: ssh: connect to host dokku.example.com port 22: connection refused\n`, color: "never", severity: "error" } });
      summary(sink, { create: made.length }, packs);
      store.write(stack, { ...state, resources: made, history: [{ version: state.history.length + 1, kind: "update", result: "failed", message: messageOf(args), startTime: start, endTime: new Date().toISOString(), ...recorded(store, stack) }, ...state.history] });
      out.stderr.push(`error: update failed`);
      throw new CliError(`    error: creating ${failing.name}: ssh: connect to host dokku.example.com port 22: connection refused`, 4);
    }
    const before = new Map((state.resources ?? []).map((r) => [r.urn, r]));
    const changes: Record<string, number> = {};
    for (const r of declared.resources) {
      const op = stepOf(before.get(r.urn), r);
      changes[op] = (changes[op] ?? 0) + 1;
      sink.emit(stepEvent(op, r));
      if (op === "create") out.stdout.push(`  + ${r.type} ${r.name} created`);
      if (op === "update") out.stdout.push(`  ~ ${r.type} ${r.name} updated`);
    }
    for (const urn of before.keys()) if (!declared.resources.some((r) => r.urn === urn)) changes.delete = (changes.delete ?? 0) + 1;
    summary(sink, changes, packs);
    if (has(args, "refresh")) clearDrift(store, world, behaviour);
    // As the engine under `up --skip-preview` (what the Automation API runs): the pack's stack policies are checked
    // only once every step has run, so a mandatory violation fails an update whose resources already exist.
    // (A resource policy refuses its own resource's step instead; the double fails every violation the later way.)
    if (reportPolicies(declared, packs, sink, out).length > 0) {
      store.write(stack, { ...state, resources: declared.resources, outputs: declared.outputs, history: [{ version: state.history.length + 1, kind: "update", result: "failed", message: messageOf(args), startTime: start, endTime: new Date().toISOString(), ...recorded(store, stack) }, ...state.history] });
      throw new CliError("error: update failed: mandatory policy violations", 255);
    }
    const leaked = behaviour.leakSecretIntoUrl ? declared.outputs[behaviour.leakSecretIntoUrl] : undefined;
    if (leaked && declared.outputs.url) declared.outputs.url = { value: `${String(declared.outputs.url.value)}/?debug=${String(leaked.value)}`, secret: false };
    const message = messageOf(args);
    store.write(stack, {
      resources: declared.resources,
      outputs: declared.outputs,
      generated: state.generated,
      history: [{ version: state.history.length + 1, kind: "update", result: "succeeded", message, startTime: start, endTime: new Date().toISOString(), ...recorded(store, stack) }, ...state.history],
    });
    out.stdout.push(...outputsText(declared.outputs), "Resources:", `    ${declared.resources.length} total`);
  });
}

function messageOf(args: ParsedArgs): string {
  return flags(args, "message").at(-1) ?? flags(args, "m").at(-1) ?? "";
}

/** What the CLI keeps with each update: the stack's config then, and the environment it ran in. */
function recorded(store: BackendStore, stack: string) {
  return { config: store.historyConfig(stack), environment: { "exec.kind": "auto.local" } };
}

/** `pulumi preview`: what `up` would change; with --refresh, drift the world holds shows as updates. */
export async function preview(store: BackendStore, stack: string, args: ParsedArgs, sink: EventSink, out: Output): Promise<void> {
  store.requirePassphrase();
  const packs = checkPolicyPacks(store, args);
  const behaviour = store.world().stacks?.[stack] ?? {};
  const state = store.read(stack);
  const declared = await declareOrFail(store, stack, sink, packs);
  const existing = new Map((state.resources ?? []).map((r) => [r.urn, r]));
  const refresh = has(args, "refresh");
  sink.emit({ preludeEvent: { config: {} } });
  out.stdout.push(`Previewing update (${stack}):`);
  if (refresh) for (const r of existing.values()) sink.emit(stepEvent("refresh", r));
  const refused = reportPolicies(declared, packs, sink, out);
  if (refused.length > 0) {
    summary(sink, {}, packs);
    throw new CliError("error: preview failed: mandatory policy violations", 255);
  }
  if (behaviour.previewError) {
    sink.emit({ diagnosticEvent: { message: `${behaviour.previewError}\n`, color: "never", severity: "error" } });
    summary(sink, {}, packs);
    throw new CliError(`error: preview failed: ${behaviour.previewError}`, 4);
  }
  const changes: Record<string, number> = {};
  const count = (op: string) => (changes[op] = (changes[op] ?? 0) + 1);
  for (const r of declared.resources) {
    const stored = existing.get(r.urn);
    if (!stored) {
      count("create");
      sink.emit(stepEvent("create", r));
      continue;
    }
    const drifted = refresh ? (behaviour.drift ?? []).filter((d) => d.resource === r.name) : [];
    if (drifted.length === 0) {
      const op = stepOf(stored, r);
      count(op);
      sink.emit(stepEvent(op, r));
      continue;
    }
    count("update");
    const actual = { ...stored.outputs, ...Object.fromEntries(drifted.map((d) => [d.field, d.actual])) };
    sink.emit(
      stepEvent("update", r, {
        old: { type: r.type, urn: r.urn, id: r.name, parent: "", inputs: stored.inputs, outputs: actual, provider: "" },
        diffs: drifted.map((d) => d.field),
        detailedDiff: Object.fromEntries(drifted.map((d) => [d.field, { diffKind: "update", inputDiff: false }])),
      }),
    );
    out.stdout.push(`  ~ ${r.type} ${r.name} update [diff: ${drifted.map((d) => d.field).join(", ")}]`);
  }
  for (const urn of existing.keys()) if (!declared.resources.some((r) => r.urn === urn)) count("delete");
  summary(sink, changes, packs);
  const changed = Object.entries(changes).some(([op, n]) => op !== "same" && n > 0);
  if (has(args, "expect-no-changes") && changed) throw new CliError("error: no changes were expected but changes were proposed", 1);
}

/** The URNs that wait for `urn`: its dependents, theirs, and every resource inside a waiting component. */
function waitingFor(resources: readonly StoredResource[], urn: string): Set<string> {
  const waiting = new Set<string>();
  for (let grew = true; grew; ) {
    grew = false;
    for (const r of resources) {
      if (waiting.has(r.urn)) continue;
      const waits = (r.dependsOn ?? []).some((d) => d === urn || waiting.has(d)) || (r.parent !== undefined && waiting.has(r.parent));
      if (waits) {
        waiting.add(r.urn);
        grew = true;
      }
    }
  }
  return waiting;
}

/** A resource the stack already has is the same, or updated when the program now declares other inputs. */
function stepOf(stored: StoredResource | undefined, declared: StoredResource): "create" | "same" | "update" {
  if (!stored) return "create";
  return JSON.stringify(stored.inputs) === JSON.stringify(declared.inputs) ? "same" : "update";
}

/**
 * The real program for the stack; a program that throws (bad config) fails the operation as the engine does: an error
 * diagnostic, no resource touched, a non-zero exit.
 */
async function declareOrFail(store: BackendStore, stack: string, sink: EventSink, packs: string[]) {
  try {
    const { config, secretKeys } = store.programConfig(stack);
    return await declareWithRealProgram(stack, config, path.join(store.root, ".double"), secretKeys);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    sink.emit({ diagnosticEvent: { message: `${message}\n`, color: "never", severity: "error" } });
    summary(sink, {}, packs);
    throw new CliError(`error: an unhandled error occurred: program failed:\n${message}`, 255);
  }
}

/** `pulumi destroy`: deletes every resource; a scripted failure deletes some and stops. */
export async function destroy(store: BackendStore, stack: string, args: ParsedArgs, sink: EventSink, out: Output): Promise<void> {
  await underLock(store, stack, args, "destroy", async (world, behaviour) => {
    if (behaviour.destroyDelayMs) await sleep(behaviour.destroyDelayMs);
    const state = store.read(stack);
    const resources = state.resources ?? [];
    out.stdout.push(`Destroying (${stack}):`);
    if (behaviour.failDestroy && resources.length > 0) {
      behaviour.failDestroy--;
      store.saveWorld(world);
      const kept = resources.slice(0, Math.ceil(resources.length / 2));
      const deleted = resources.slice(kept.length);
      for (const r of deleted) sink.emit(stepEvent("delete", r));
      const failing = kept.at(-1)!;
      sink.emit({ diagnosticEvent: { urn: failing.urn, message: `deleting ${failing.name}: ssh: handshake failed: connection reset\n`, color: "never", severity: "error" } });
      store.write(stack, { ...state, resources: kept });
      throw new CliError(`    error: deleting ${failing.name}: ssh: handshake failed: connection reset`, 4);
    }
    for (const r of resources) sink.emit(stepEvent("delete", r));
    summary(sink, { delete: resources.length }, []);
    clearDrift(store, world, behaviour);
    store.write(stack, { ...state, resources: [], outputs: {} });
    out.stdout.push("Resources:", `    - ${resources.length} deleted`, `The resources in the stack have been deleted, but the history and configuration associated with the stack are still maintained.`);
  });
}
