import {
  CommandError,
  ConcurrentUpdateError,
  LocalWorkspace,
  Stack,
  type ConfigMap,
  type EngineEvent,
  type PulumiCommand,
  type PulumiFn,
} from "@pulumi/pulumi/automation";
import type { StackPlan } from "../../infra/stacks";
import { MINUTE, type Clock } from "./clock";
import { classifyDriftPreview } from "./engine-events";
import { type DriftOutcome, type StackEngine, type StackOutputs, type StackSummary, type StackUpdate, UpFailedError } from "./stack-engine";

export interface AutomationStackEngineOptions {
  /** The folder holding Pulumi.yaml (the repository root in CI). */
  workDir: string;
  /** Policy packs every `up` and `preview` runs with (`--policy-pack`). Default: `["policies"]`. */
  policyPacks?: string[];
  /** Extra environment for the CLI. Default: none (the CLI inherits the process environment). */
  envVars?: Record<string, string>;
  /** A specific CLI; default: `pulumi` from PATH. */
  pulumiCommand?: PulumiCommand;
  /**
   * Run the program inline, in this process, instead of the project's own (Pulumi.yaml's `main`, started by the CLI
   * through the Node.js language host). Default: the project's. The engine tier uses it where no language host exists.
   */
  program?: PulumiFn;
  clock: Clock;
  /** How long a stack locked by another update is waited for before giving up. Default: 30 minutes. */
  lockWaitMs?: number;
  /** Pause between attempts on a locked stack. Default: 15 seconds. */
  lockPollMs?: number;
  /** Where the CLI's own (secret-masked) output goes. Default: stderr, so CI logs show progress. */
  log?: (text: string) => void;
}

/** The StackEngine over Pulumi's Automation API: every operation is a real `pulumi` CLI invocation. */
export class AutomationStackEngine implements StackEngine {
  private workspace: Promise<LocalWorkspace> | undefined;
  private readonly policyPacks: string[];
  private readonly lockWaitMs: number;
  private readonly lockPollMs: number;
  private readonly log: (text: string) => void;

  constructor(private readonly options: AutomationStackEngineOptions) {
    this.policyPacks = options.policyPacks ?? ["policies"];
    this.lockWaitMs = options.lockWaitMs ?? 30 * MINUTE;
    this.lockPollMs = options.lockPollMs ?? 15_000;
    this.log = options.log ?? ((text) => process.stderr.write(text));
  }

  async listStacks(): Promise<StackSummary[]> {
    const stacks = await (await this.ws()).listStacks();
    // A DIY backend may qualify names as organization/project/stack; the lifecycle speaks bare stack names.
    return stacks.map((s) => ({ name: s.name.split("/").pop() ?? s.name, resourceCount: s.resourceCount }));
  }

  async prepare(plan: StackPlan, secrets: Record<string, string> = {}): Promise<void> {
    const stack = await Stack.createOrSelect(plan.stack, await this.ws());
    const config: ConfigMap = {};
    for (const [key, value] of Object.entries(plan.config)) config[key] = { value, secret: false };
    for (const [key, value] of Object.entries(secrets)) config[key] = { value, secret: true };
    if (Object.keys(config).length > 0) await stack.setAllConfig(config);
  }

  async tags(stack: string): Promise<Record<string, string>> {
    return { ...(await (await this.ws()).listTags(stack)) };
  }

  async setTags(stack: string, tags: Record<string, string>): Promise<void> {
    const ws = await this.ws();
    for (const [key, value] of Object.entries(tags)) await ws.setTag(stack, key, value);
  }

  /**
   * The Automation API's `up` always runs with `--skip-preview`, and the engine checks the policy packs' stack policies
   * only after every step of an update: a mandatory violation would fail the update after its resources were made.
   * So the same update is previewed first, with the same packs; a refused preview fails as a failed `up` does and
   * makes nothing.
   */
  async up(stack: string, message: string): Promise<StackOutputs> {
    const selected = await this.select(stack);
    // With refresh: a plain `up` diffs the program against the state, which still holds what was declared, so it
    // leaves a value changed on the server by hand as it is (seen on the real engine); refreshing first repairs it.
    await this.failingAsUp(stack, (onOutput, onEvent) => selected.preview({ refresh: true, policyPacks: this.policyPacks, onOutput, onEvent }));
    const result = await this.failingAsUp(stack, (onOutput, onEvent) =>
      selected.up({ message, refresh: true, policyPacks: this.policyPacks, onOutput, onEvent }),
    );
    return result.outputs;
  }

  /** Runs an operation of `up` (waiting out a lock); a failure of the CLI becomes an UpFailedError with its output. */
  private async failingAsUp<T>(stack: string, operation: (onOutput: (text: string) => void, onEvent: (event: EngineEvent) => void) => Promise<T>): Promise<T> {
    let output = "";
    const events: EngineEvent[] = [];
    try {
      return await this.waitingForLock(stack, () => {
        output = "";
        events.length = 0;
        return operation(
          (text) => {
            output += text;
            this.log(text);
          },
          (event) => events.push(event),
        );
      });
    } catch (error) {
      if (!(error instanceof CommandError)) throw error;
      throw new UpFailedError(error.message, failedResource(events), `${output.trimEnd()}\n${stderrOf(error)}`.trim());
    }
  }

  async checkDrift(stack: string): Promise<DriftOutcome> {
    const selected = await this.select(stack);
    const events: EngineEvent[] = [];
    try {
      await this.waitingForLock(stack, () => {
        events.length = 0;
        return selected.preview({
          refresh: true,
          expectNoChanges: true,
          policyPacks: this.policyPacks,
          onEvent: (event) => events.push(event),
          onOutput: this.log,
        });
      });
      return classifyDriftPreview(true, events);
    } catch (error) {
      if (!(error instanceof CommandError)) throw error;
      return classifyDriftPreview(false, events, lastErrorLine(error));
    }
  }

  async destroy(stack: string): Promise<void> {
    const selected = await this.select(stack);
    await this.waitingForLock(stack, () => selected.destroy({ onOutput: this.log }));
  }

  async remove(stack: string): Promise<void> {
    const ws = await this.ws();
    await this.waitingForLock(stack, () => ws.removeStack(stack));
  }

  async outputs(stack: string): Promise<StackOutputs> {
    return (await this.ws()).stackOutputs(stack);
  }

  async history(stack: string, limit?: number): Promise<StackUpdate[]> {
    // Without --show-secrets: the history's secret config values never reach this process.
    const updates = await (await this.select(stack)).history(limit, limit ? 1 : undefined, false);
    return updates.map((u) => ({
      version: u.version,
      kind: u.kind,
      result: u.result,
      message: u.message ?? "",
      startTime: u.startTime,
      endTime: u.endTime,
      config: Object.fromEntries(
        Object.entries(u.config ?? {})
          .filter(([, entry]) => !entry.secret)
          .map(([key, entry]) => [key, entry.value]),
      ),
    }));
  }

  async locked(stack: string): Promise<boolean> {
    const stacks = await (await this.ws()).listStacks();
    return stacks.some((s) => (s.name.split("/").pop() ?? s.name) === stack && s.updateInProgress === true);
  }

  private ws(): Promise<LocalWorkspace> {
    this.workspace ??= LocalWorkspace.create({
      workDir: this.options.workDir,
      ...(this.options.envVars ? { envVars: this.options.envVars } : {}),
      ...(this.options.pulumiCommand ? { pulumiCommand: this.options.pulumiCommand } : {}),
      ...(this.options.program ? { program: this.options.program } : {}),
    });
    return this.workspace;
  }

  private async select(stack: string): Promise<Stack> {
    return Stack.select(stack, await this.ws());
  }

  /** Another update holds the stack (a cancelled run, a person at a terminal): wait for it rather than fail. */
  private async waitingForLock<T>(stack: string, operation: () => Promise<T>): Promise<T> {
    const started = this.options.clock.now().getTime();
    for (;;) {
      try {
        return await operation();
      } catch (error) {
        const waited = this.options.clock.now().getTime() - started;
        if (!(error instanceof ConcurrentUpdateError) || waited >= this.lockWaitMs) throw error;
        this.log(`stack ${stack} is locked by another update; waiting ${Math.round(this.lockPollMs / 1000)}s\n`);
        await this.options.clock.sleep(this.lockPollMs);
      }
    }
  }
}

/**
 * The logical name of the last resource the engine reported an error for (URNs end in `::<name>`), else of the last
 * resource a mandatory policy refused.
 */
function failedResource(events: readonly EngineEvent[]): string | undefined {
  const urn =
    events.map((e) => e.diagnosticEvent).filter((d) => d?.severity === "error" && d.urn).at(-1)?.urn ??
    events.map((e) => e.policyEvent).filter((p) => p?.enforcementLevel === "mandatory" && p.resourceUrn).at(-1)?.resourceUrn;
  return urn?.split("::").at(-1);
}

/** What the CLI wrote to stderr, from the Automation API's message (`code: …\n stdout: …\n stderr: …\n err?: …`). */
function stderrOf(error: CommandError): string {
  const match = /\bstderr: ([\s\S]*?)(?:\n\s*err\?: [\s\S]*)?$/.exec(error.message);
  return (match?.[1] ?? "").trim();
}

/** The CLI's last `error:` line: enough to say what failed without echoing its whole output. */
function lastErrorLine(error: CommandError): string {
  const lines = error.message.split("\n").filter((line) => /^\s*error:/i.test(line));
  return lines.at(-1)?.trim() ?? "pulumi preview failed";
}
