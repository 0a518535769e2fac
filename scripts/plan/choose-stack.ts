import { branchStack, previewStack } from "../../infra/stacks";
import { hasStackFile, type RawConfig, stackConfigWithSecrets, stackFilePath } from "./stack-files";

export interface ChosenStack {
  stack: string;
  config: RawConfig;
  /** Keys whose value is a Pulumi secret (a `secure:` value in the stack file). Default: none. */
  secretKeys?: string[];
  /** The stack file, or how the config was made when there is none. */
  origin: string;
  /** The file each key came from (Pulumi.yaml, the stack file, or how CI sets it). Default: every key from `origin`. */
  files?: Record<string, string>;
}

export interface PlanRequest {
  /** A stack name (`staging`, `pr-7`), or none with `branch` for "the stack CI makes for this branch". */
  stack?: string;
  branch?: string;
}

/**
 * Which stack a plan request means and its config, made the way CI makes it: a file in stacks/ when the stack has
 * one, otherwise the config `previewStack`/`branchStack` synthesize on top of the project defaults.
 */
export function chooseStack(request: PlanRequest): ChosenStack {
  const { stack, branch } = request;
  const preview = stack?.match(/^pr-(\d+)$/);
  if (preview) {
    if (branch === undefined) throw new UsageError(`${stack} is a preview: say its branch with --branch <name>`);
    return synthesized(previewStack(Number(preview[1]), branch));
  }
  if (stack !== undefined) {
    if (!hasStackFile(stack)) {
      throw new UsageError(
        `no stack file ${stackFilePath(stack)}: plan a file stack (production, staging, platform), ` +
          `a preview (pr-<n> --branch <name>) or a branch (--branch <name>)`,
      );
    }
    return { stack, ...stackConfigWithSecrets(stack, branch ? { "restant:branch": branch } : {}), origin: stackFilePath(stack) };
  }
  if (branch !== undefined) return synthesized(branchStack(branch));
  throw new UsageError("say which stack to plan: <stack>, pr-<n> --branch <name>, or --branch <name>");
}

function synthesized(plan: { stack: string; config: RawConfig }): ChosenStack {
  if (hasStackFile(plan.stack)) {
    return { stack: plan.stack, ...stackConfigWithSecrets(plan.stack), origin: stackFilePath(plan.stack) };
  }
  return {
    stack: plan.stack,
    ...stackConfigWithSecrets(plan.stack, plan.config, `set by CI on ${plan.stack} (infra/stacks.ts)`),
    origin: `no file: synthesized by infra/stacks.ts for ${plan.stack}, on Pulumi.yaml's defaults`,
  };
}

/** A mistake in how the plan command was called (exit 64), as opposed to bad stack config (exit 2). */
export class UsageError extends Error {
  override name = "UsageError";
}
