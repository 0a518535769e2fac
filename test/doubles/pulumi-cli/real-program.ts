import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import type { PolicyViolation } from "../../../scripts/plan/run-policies";
import type { StackState, StoredResource } from "./backend-store";

/** What the double records of one evaluation, for tests: every resource the program declared, inputs revealed. */
export interface DeclaredRecord {
  stack: string;
  resources: Array<{ urn: string; type: string; name: string; inputs: Record<string, unknown>; secretPaths: string[] }>;
}

/**
 * What the real program (infra/) declares for a stack with the config the scripts set, evaluated under Pulumi's mocks by
 * the offline plan's evaluator (scripts/plan/evaluate.ts): so the lifecycle tests drive exactly what `npm run plan`
 * shows, never a stand-in. Config values arrive as the stack file holds them; the engine hands the program strings,
 * objects as JSON text. State keeps the inputs with secrets masked; the revealed inputs go to a record beside the state
 * (`.double/declared/<stack>.json`), the way the engine sees them, for tests to check what reached the server.
 * Runs from build/ as compiled JavaScript (no ts-node).
 */
export async function declareWithRealProgram(
  stack: string,
  config: Record<string, unknown>,
  doubleDir: string,
  secretKeys: string[] = [],
): Promise<Declared> {
  const raw = Object.fromEntries(Object.entries(config).map(([key, value]) => [key, typeof value === "string" ? value : JSON.stringify(value)]));
  const declared = cached(doubleDir, stack, raw) ?? (await evaluate(stack, raw, doubleDir, secretKeys));
  mkdirSync(path.join(doubleDir, "declared"), { recursive: true });
  writeFileSync(path.join(doubleDir, "declared", `${stack}.json`), JSON.stringify(declared.record, null, 2));
  return declared;
}

export interface Declared {
  resources: StoredResource[];
  outputs: StackState["outputs"];
  record: DeclaredRecord;
  /** What the project's policy pack (policies/) reports over these resources, run as `npm run plan` runs it. */
  violations: PolicyViolation[];
  /** The name that pack registers under. */
  policyPack: string;
}

async function evaluate(stack: string, raw: Record<string, string>, doubleDir: string, secretKeys: string[]): Promise<Declared> {
  // Loaded on a cache miss only: the program and its providers take seconds to load.
  const { evaluateStack } = await import("../../../scripts/plan/evaluate");
  const { configFilesOf } = await import("../../../infra/config/stack-files");
  const { runPolicies } = await import("../../../scripts/plan/run-policies");
  const { policies, POLICY_PACK_NAME } = await import("../../../policies/all");
  // The CLI runs in the project folder; as the real engine's program does, shipped example values are refused.
  const files = configFilesOf(stack, process.cwd());
  const plan = await evaluateStack({ stack, config: raw, secretKeys, origin: `stacks/Pulumi.${stack}.yaml`, files }, undefined, { exampleValues: "refuse" });
  const violations = await runPolicies(plan.resources, policies);
  const declared: Declared = {
    violations,
    policyPack: POLICY_PACK_NAME,
    resources: plan.resources.map((r) => ({
      urn: r.urn,
      type: r.type,
      name: r.name,
      inputs: r.inputs,
      outputs: r.inputs,
      dependsOn: r.options.dependsOn,
      ...(r.parent ? { parent: r.parent } : {}),
    })),
    outputs: plan.outputs,
    record: {
      stack,
      resources: plan.resources.map((r) => ({ urn: r.urn, type: r.type, name: r.name, inputs: r.revealedInputs, secretPaths: r.secretPaths })),
    },
  };
  mkdirSync(path.join(doubleDir, "evaluations"), { recursive: true });
  writeFileSync(cacheFile(doubleDir, stack, raw), JSON.stringify(declared));
  return declared;
}

/**
 * The program is deterministic under the plan's mocks, so one backend (one test's world, one build of the program)
 * evaluates each (stack, config) once: a re-up, a retry or a drift check of an unchanged stack reuses it.
 */
function cached(doubleDir: string, stack: string, raw: Record<string, string>): Declared | undefined {
  const file = cacheFile(doubleDir, stack, raw);
  return existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as Declared) : undefined;
}

function cacheFile(doubleDir: string, stack: string, raw: Record<string, string>): string {
  const key = createHash("sha256").update(JSON.stringify([stack, Object.entries(raw).sort()])).digest("hex").slice(0, 32);
  return path.join(doubleDir, "evaluations", `${key}.json`);
}
