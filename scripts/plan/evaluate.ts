import * as pulumi from "@pulumi/pulumi";
import { program } from "../../infra/program";
import { loadStackSpec, type StackSpec } from "../../infra/spec";
import type { ChosenStack } from "./choose-stack";
import { planMocks } from "./mock-state";
import type { RecordedResource } from "./recorded-resource";
import { RecordingMonitor } from "./recording-monitor";

export interface StackOutput {
  value: unknown;
  secret: boolean;
}

export interface PlanResult {
  stack: string;
  origin: string;
  spec: StackSpec;
  resources: RecordedResource[];
  outputs: Record<string, StackOutput>;
  /** One line per shipped example value still in the config (empty when the program refuses them). */
  warnings: string[];
}

export interface EvaluateOptions {
  /** "warn" (the offline plan, default) or "refuse" (a stand-in for the real engine, as infra/index.ts runs it). */
  exampleValues?: "warn" | "refuse";
}

/** Internal to @pulumi/pulumi: resolves when every registration the program started has been answered. */
const { waitForRPCs } = require("@pulumi/pulumi/runtime/settings") as { waitForRPCs: () => Promise<void> };
/** Internal to @pulumi/pulumi: the runtime's store, whose settings hold the monitor registrations go to. */
const { getStore } = require("@pulumi/pulumi/runtime/state") as { getStore: () => { settings: { monitor?: unknown } } };

/**
 * Runs the real program for one stack under Pulumi's mocks — no engine, no credentials, no network — and returns its
 * spec, every resource it declared and its stack outputs. Bad config throws StackConfigError before any resource.
 * Safe to call again for another stack in the same process: each call gets a fresh monitor and config. `mocks`: what
 * each resource answers (default: the plan's made-up outputs; the time-to-ready bench's also wait a modelled latency).
 */
export async function evaluateStack(
  chosen: ChosenStack,
  mocks: pulumi.runtime.Mocks = planMocks,
  options: EvaluateOptions = {},
): Promise<PlanResult> {
  const files = chosen.files ?? {};
  const spec = loadStackSpec(chosen.config, { stack: chosen.stack, origin: chosen.origin, files });
  const monitor = new RecordingMonitor(mocks);
  // setMocks turns on the features the mock monitor supports (secrets among them); then our recording monitor,
  // a MockMonitor too, takes its place.
  await pulumi.runtime.setMocks(mocks, "restant", chosen.stack, false);
  getStore().settings.monitor = monitor;
  pulumi.runtime.setAllConfig(chosen.config, chosen.secretKeys ?? []);
  const warnings: string[] = [];
  const declared = program({
    configOrigin: chosen.origin,
    configFiles: files,
    exampleValues: options.exampleValues ?? "warn",
    warn: (line) => warnings.push(line),
  });
  const outputs: Record<string, StackOutput> = {};
  for (const [key, value] of Object.entries(declared)) outputs[key] = await resolve(value);
  await waitForRPCs();
  return { stack: chosen.stack, origin: chosen.origin, spec, resources: monitor.recorded, outputs, warnings };
}

async function resolve(value: pulumi.Input<unknown>): Promise<StackOutput> {
  const output: pulumi.Output<unknown> = pulumi.output(value) as pulumi.Output<unknown>;
  const secret = await pulumi.isSecret(output);
  const resolved = await new Promise<unknown>((done) => output.apply((v: unknown) => done(v)));
  return { value: resolved, secret };
}
