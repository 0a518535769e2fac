import type { StackPlan } from "../../infra/stacks";

/** One stack output as the Automation API reports it: the value, and whether Pulumi holds it as a secret. */
export interface StackOutput {
  value: unknown;
  secret: boolean;
}
export type StackOutputs = Record<string, StackOutput>;

export interface StackSummary {
  name: string;
  /** Resources in the stack's state; 0 after a complete destroy. Unknown when the backend does not say. */
  resourceCount: number | undefined;
}

/** One entry of a stack's update history, newest first where listed. */
export interface StackUpdate {
  version: number;
  /** `update`, `destroy`, `refresh`, … */
  kind: string;
  /** `succeeded`, `failed`, `in-progress`. */
  result: string;
  /** The message the script gave the update (`--message`). */
  message: string;
  startTime: Date;
  endTime: Date;
  /** The stack's plain config when the update ran (`restant:commit` among it); secret values are left out. */
  config: Record<string, string>;
}

/** One property the engine would change to bring a drifted resource back to what the program declares. */
export interface FieldChange {
  /** Property path as the engine names it (`domains`, `config.APP_URL`). */
  path: string;
  /** What the refresh found, as the engine reported it (`[secret]` where Pulumi masks it). */
  actual: unknown;
  /** What the program declares. */
  declared: unknown;
}

export interface DriftedResource {
  urn: string;
  type: string;
  /** The step the engine proposes: update, replace, create, delete. */
  op: string;
  fields: FieldChange[];
}

/** The three outcomes a drift check must keep apart: a failed check is never reported as "no drift". */
export type DriftOutcome =
  | { kind: "clean" }
  | { kind: "drifted"; resources: DriftedResource[] }
  | { kind: "error"; message: string };

/**
 * The Pulumi operations the lifecycle needs, small enough to test against a double. The real one is
 * `AutomationStackEngine` (the Automation API over the `pulumi` CLI). A stack locked by another update is waited for.
 */
export interface StackEngine {
  listStacks(): Promise<StackSummary[]>;
  /**
   * Creates the stack if missing, selects it, and sets the plan's `restant:*` config as plain values and `secrets` (full
   * key → value) as Pulumi secrets, encrypted by the stack's secrets provider.
   */
  prepare(plan: StackPlan, secrets?: Record<string, string>): Promise<void>;
  tags(stack: string): Promise<Record<string, string>>;
  setTags(stack: string, tags: Record<string, string>): Promise<void>;
  /** `pulumi up --refresh` with the policy pack (drift on the server is repaired, not kept); returns the stack outputs. */
  up(stack: string, message: string): Promise<StackOutputs>;
  /** `pulumi preview --refresh --expect-no-changes` with the policy pack. */
  checkDrift(stack: string): Promise<DriftOutcome>;
  destroy(stack: string): Promise<void>;
  /** `pulumi stack rm` without --force: the CLI refuses while resources remain. */
  remove(stack: string): Promise<void>;
  outputs(stack: string): Promise<StackOutputs>;
  /** The stack's updates, newest first (at most `limit` when given). */
  history(stack: string, limit?: number): Promise<StackUpdate[]>;
  /** Whether another update holds the stack's lock right now. */
  locked(stack: string): Promise<boolean>;
}

/**
 * A failed `pulumi up`, with what the engine said about it: the resource whose step failed (its logical name, from
 * the engine's error diagnostic) and the CLI's output of that up, as Pulumi printed it (its own secrets masked, ours
 * not yet: callers redact with secret-guard before showing any of it).
 */
export class UpFailedError extends Error {
  constructor(
    message: string,
    readonly resource: string | undefined,
    readonly log: string,
  ) {
    super(message);
    this.name = "UpFailedError";
  }
}

/** The values of a stack's secret outputs: text that must never reach a comment, issue or log line we write. */
export function secretValues(outputs: StackOutputs): string[] {
  const found: string[] = [];
  const collect = (value: unknown): void => {
    if (typeof value === "string") found.push(value);
    else if (typeof value === "number" || typeof value === "boolean") found.push(String(value));
    else if (Array.isArray(value)) value.forEach(collect);
    else if (value !== null && typeof value === "object") Object.values(value).forEach(collect);
  };
  for (const output of Object.values(outputs)) if (output.secret) collect(output.value);
  return found;
}
