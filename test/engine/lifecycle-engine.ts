import * as path from "node:path";
import { program } from "../../infra/program";
import { AutomationStackEngine } from "../../scripts/lifecycle/automation-stack-engine";
import { systemClock } from "../../scripts/lifecycle/clock";
import type { EngineSession } from "./engine-session";
import type { EngineWorld } from "./engine-world";
import { policyPackLauncher } from "./policy-pack-launcher";

/**
 * The lifecycle's StackEngine (scripts/lifecycle/automation-stack-engine.ts: what CI's scripts drive) on the real CLI,
 * over a project folder, with the program inline and the policy pack as an analyzer executable (no Node.js language
 * host here: README, "The real engine"). Everything else — the flags of up, preview, destroy — is the scripts' own.
 */
export function lifecycleEngine(session: EngineSession, world: EngineWorld, workDir: string, log: (text: string) => void = () => undefined): AutomationStackEngine {
  return new AutomationStackEngine({
    workDir,
    pulumiCommand: session.cli,
    envVars: { ...session.env, ...world.env },
    program: async () => program(),
    policyPacks: [policyPackLauncher(path.dirname(session.backendDir))],
    clock: systemClock,
    lockPollMs: 1_000,
    log,
  });
}
