import type { StackPlan } from "../../infra/stacks";
import type { DriftOutcome, StackEngine, StackOutputs, StackSummary, StackUpdate } from "../../scripts/lifecycle/stack-engine";
import type { DokkuServer } from "./dokku-server";
import { connectToDokku, execOverSsh } from "./dokku-ssh";
import { plan, resourcesOfType } from "./evaluate";

interface StackRecord {
  config: Record<string, string>;
  tags: Record<string, string>;
  history: StackUpdate[];
  outputs: StackOutputs;
  /** The commit whose deploy command last ran (the deploy's triggers). */
  appliedCommit: string | undefined;
}

/**
 * A StackEngine for the integration tier: each `up` evaluates the real program for the stack's config (as `npm run
 * plan` does, pointed at the Dokku double) and runs what the engine would run on the server for a new commit: the
 * remote commands the deploy depends on (production's backup, as root), then the deploy itself, over real SSH. The
 * providers of the app, database and Redis are not run here (their own integration tests do): only the server steps a
 * deploy and a rollback change. History and tags are kept as the backend keeps them.
 */
export class DokkuPlanEngine implements StackEngine {
  private readonly stacks = new Map<string, StackRecord>();

  constructor(
    private readonly server: DokkuServer,
    /** Config every stack gets on top of its own (the Dokku target). */
    private readonly base: Record<string, string>,
  ) {}

  async listStacks(): Promise<StackSummary[]> {
    return [...this.stacks.keys()].map((name) => ({ name, resourceCount: undefined }));
  }

  async prepare(stackPlan: StackPlan): Promise<void> {
    const record = this.stacks.get(stackPlan.stack) ?? { config: {}, tags: {}, history: [], outputs: {}, appliedCommit: undefined };
    record.config = { ...record.config, ...stackPlan.config };
    this.stacks.set(stackPlan.stack, record);
  }

  async tags(stack: string): Promise<Record<string, string>> {
    return { ...this.record(stack).tags };
  }

  async setTags(stack: string, tags: Record<string, string>): Promise<void> {
    Object.assign(this.record(stack).tags, tags);
  }

  async up(stack: string, message: string): Promise<StackOutputs> {
    const record = this.record(stack);
    const startTime = new Date();
    const result = await plan({ stack }, { ...this.base, ...record.config });
    const commands = resourcesOfType(result, "command:remote:Command");
    const deploy = commands.find((c) => c.name === "restant-runtime-deploy");
    if (!deploy) throw new Error(`the ${stack} plan has no deploy command`);
    const commit = record.config["restant:commit"];
    let failure: string | undefined;
    if (commit !== record.appliedCommit) {
      for (const command of commands.filter((c) => deploy.options.dependsOn?.includes(c.urn) || c === deploy)) {
        const connection = command.revealedInputs.connection as { user: "root" | "dokku" };
        const stdin = typeof command.revealedInputs.stdin === "string" ? command.revealedInputs.stdin : undefined;
        const ran = await this.run(connection.user, String(command.revealedInputs.create), stdin);
        if (ran.code !== 0) {
          failure = `${command.name}: ${ran.stderr.trim()}`;
          break;
        }
      }
    }
    const entry: StackUpdate = { version: record.history.length + 1, kind: "update", result: failure ? "failed" : "succeeded", message, startTime, endTime: new Date(), config: { ...record.config } };
    record.history.unshift(entry);
    if (failure) throw new Error(`update failed: ${failure}`);
    record.appliedCommit = commit;
    record.outputs = result.outputs as StackOutputs;
    return record.outputs;
  }

  async checkDrift(): Promise<DriftOutcome> {
    return { kind: "clean" };
  }

  async destroy(stack: string): Promise<void> {
    throw new Error(`the integration engine does not destroy (${stack})`);
  }

  async remove(stack: string): Promise<void> {
    this.stacks.delete(stack);
  }

  async outputs(stack: string): Promise<StackOutputs> {
    return this.record(stack).outputs;
  }

  async history(stack: string, limit?: number): Promise<StackUpdate[]> {
    const all = this.record(stack).history;
    return limit ? all.slice(0, limit) : [...all];
  }

  async locked(): Promise<boolean> {
    return false;
  }

  private record(stack: string): StackRecord {
    const record = this.stacks.get(stack);
    if (!record) throw new Error(`no stack named '${stack}' found`);
    return record;
  }

  private async run(user: "root" | "dokku", command: string, stdin?: string) {
    const client = await connectToDokku(this.server, user);
    try {
      return await execOverSsh(client, command, stdin);
    } finally {
      client.end();
    }
  }
}
