import { requireBuilt } from "./built";
import type * as ChooseStack from "../../scripts/plan/choose-stack";
import type * as Evaluate from "../../scripts/plan/evaluate";

const { evaluateStack } = requireBuilt<typeof Evaluate>("scripts/plan/evaluate.ts");
const { chooseStack } = requireBuilt<typeof ChooseStack>("scripts/plan/choose-stack.ts");

export type PlanResult = Evaluate.PlanResult;

/**
 * The real program, compiled by tsc and run under Pulumi's mocks for one stack, exactly as `npm run plan` runs it:
 * `plan({ stack: "staging" })`, `plan({ stack: "pr-7", branch: "x" })`, `plan({ branch: "feature/y" })`.
 * `configPatch` changes keys on top of what the stack would get, to test the program's answer to other config.
 */
export async function plan(request: ChooseStack.PlanRequest, configPatch: Record<string, string> = {}): Promise<PlanResult> {
  const chosen = chooseStack(request);
  return evaluateStack({ ...chosen, config: { ...chosen.config, ...configPatch } });
}

export function resourcesOfType(result: PlanResult, type: string): PlanResult["resources"] {
  return result.resources.filter((r) => r.type === type);
}

/** Every secret value the stack exports or feeds a resource, to look for where it must not be. */
export function secretValues(result: PlanResult): string[] {
  const values = new Set<string>();
  for (const output of Object.values(result.outputs)) if (output.secret && typeof output.value === "string") values.add(output.value);
  for (const r of result.resources) {
    for (const path of r.secretPaths) {
      const value = path.split(".").reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k], r.revealedInputs);
      if (typeof value === "string" && value.length >= 8) values.add(value);
    }
  }
  return [...values];
}
