// Test-only, preloaded into the plan command: `node -r build/test/support/plan-injection.js build/scripts/plan.js
// <stack>`. It breaks a stack in ways its config cannot (infra refuses such config first), so the
// tests can prove `npm run plan` refuses what the policies forbid:
//   RESTANT_TEST_SPEC_PATCH  JSON merged into the spec the program hands its components (a broken component option);
//   RESTANT_TEST_INJECT      JSON list of extra resources declared after the program's own (an injected resource).
// Nothing in the shipped code reads these variables.
import * as pulumi from "@pulumi/pulumi";
import type * as Program from "../../infra/program";
import type * as Spec from "../../infra/spec";

/** One resource to declare next to the program's: a custom resource of any type token, as the mocks accept. */
export interface InjectedResource {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
  /** Top-level inputs to pass as Pulumi secrets. */
  secret?: string[];
  options?: { protect?: boolean; retainOnDelete?: boolean };
}

const specModule = require("../../infra/spec") as { loadStackSpec: typeof Spec.loadStackSpec; specOf: typeof Spec.specOf };
const programModule = require("../../infra/program") as { program: typeof Program.program };

const specPatch = parseJson<Record<string, unknown>>("RESTANT_TEST_SPEC_PATCH");
if (specPatch) {
  // The program derives its spec with specOf; the plan's own copy comes from loadStackSpec.
  const load = specModule.loadStackSpec;
  specModule.loadStackSpec = (raw, source) => deepMerge(load(raw, source), specPatch);
  const derive = specModule.specOf;
  specModule.specOf = (config, stack) => deepMerge(derive(config, stack), specPatch);
}

const injected = parseJson<InjectedResource[]>("RESTANT_TEST_INJECT");
if (injected) {
  const program = programModule.program;
  programModule.program = (options) => {
    const outputs = program(options);
    for (const resource of injected) declare(resource);
    return outputs;
  };
}

function declare({ type, name, inputs, secret = [], options = {} }: InjectedResource): void {
  const props: Record<string, pulumi.Input<unknown>> = {};
  for (const [key, value] of Object.entries(inputs)) props[key] = secret.includes(key) ? pulumi.secret(value) : value;
  new InjectedResourceOfAnyType(type, name, props, options);
}

/** CustomResource is abstract; the mocks answer any type token, so one subclass declares them all. */
class InjectedResourceOfAnyType extends pulumi.CustomResource {
  constructor(type: string, name: string, props: pulumi.Inputs, opts: pulumi.CustomResourceOptions) {
    super(type, name, props, opts);
  }
}

function parseJson<T>(variable: string): T | undefined {
  const text = process.env[variable];
  return text ? (JSON.parse(text) as T) : undefined;
}

function deepMerge<T>(base: T, patch: Record<string, unknown>): T {
  const merged: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [key, value] of Object.entries(patch)) {
    const current = merged[key];
    const bothObjects = isObject(current) && isObject(value);
    merged[key] = bothObjects ? deepMerge(current, value) : value;
  }
  return merged as T;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}
