import type { Stack } from "@pulumi/pulumi/automation";
import { program } from "../../infra/program";
import type { EngineSession } from "./engine-session";
import type { EngineWorld } from "./engine-world";

/**
 * A stack of the real program (infra/program.ts, run inline) in a copy of the project — Pulumi.yaml's project-level
 * defaults and stackConfigDir, the stack files of stacks/ — with `config` set on it as CI's scripts set it, pointed
 * at the world's servers, and the world's credentials in the CLI's environment.
 */
export async function restantStack(session: EngineSession, world: EngineWorld, stackName: string, config: Record<string, string>, workDir = session.projectCopy()): Promise<Stack> {
  const stack = await session.inlineStack({ stackName, workDir, program: async () => program(), env: world.env });
  await setConfig(stack, { ...world.config, ...config });
  return stack;
}

export async function setConfig(stack: Stack, config: Record<string, string>): Promise<void> {
  await stack.setAllConfig(Object.fromEntries(Object.entries(config).map(([key, value]) => [key, { value, secret: false }])));
}
