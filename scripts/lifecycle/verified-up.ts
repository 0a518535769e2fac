import type { StackPlan } from "../../infra/stacks";
import { DeploymentRecorder, type RecordedDeployment } from "./deployment-record";
import { checkEnvironment, describeVerdict, plain, type EnvironmentCheck } from "./environment-check";
import type { DeploymentPayload } from "./github-api";
import type { LifecycleDeps } from "./lifecycle-deps";
import type { StackOutputs } from "./stack-engine";
import { formatUpdateMessage, type UpdateMessage } from "./update-message";
import { recordVerified } from "./verified-commits";

/** The tag naming the commit a stack was last asked to run (set before each `up`). */
export const COMMIT_TAG = "restant:commit";

export interface VerifiedUpRequest {
  plan: StackPlan;
  sha: string;
  payload: DeploymentPayload;
  message: UpdateMessage;
  /** What the GitHub Deployment says while it runs. */
  description: string;
}

export type VerifiedUpResult =
  | { kind: "verified"; outputs: StackOutputs; url: string | undefined; check: EnvironmentCheck; deployment: RecordedDeployment | undefined }
  | { kind: "up-failed"; deployment: RecordedDeployment | undefined }
  | { kind: "check-failed"; outputs: StackOutputs; url: string | undefined; check: EnvironmentCheck; deployment: RecordedDeployment | undefined };

/**
 * One step of a long-lived stack's history, as GitHub and the stack both record it: a Deployment (in_progress), the
 * stack prepared at the commit (`restant:commit`), `up`, then the check from outside. Only a passing check makes it
 * `success` and the stack's last verified commit (`restant:verified`); a failed up or check is a `failure`.
 */
export class VerifiedUp {
  private readonly recorder: DeploymentRecorder;

  constructor(private readonly deps: LifecycleDeps) {
    this.recorder = new DeploymentRecorder(deps.github, deps.settings.runUrl, deps.log);
  }

  async run(request: VerifiedUpRequest): Promise<VerifiedUpResult> {
    const { engine } = this.deps;
    const { stack } = request.plan;
    const deployment = await this.recorder.start({ stack, sha: request.sha, payload: request.payload, description: request.description });
    let outputs: StackOutputs;
    try {
      await engine.prepare(request.plan);
      await engine.setTags(stack, { [COMMIT_TAG]: request.sha });
      outputs = await engine.up(stack, formatUpdateMessage(request.message));
    } catch (error) {
      this.deps.log(`pulumi up failed for ${stack}: ${error instanceof Error ? error.message : String(error)}\n`);
      await deployment?.status("failure", `pulumi up of ${request.sha.slice(0, 12)} failed`);
      return { kind: "up-failed", deployment };
    }
    const url = plain(outputs, "url");
    const check = await checkEnvironment(this.deps, outputs);
    if (!check.verdict.healthy) {
      await deployment?.status("failure", describeVerdict(check), url);
      return { kind: "check-failed", outputs, url, check, deployment };
    }
    await recordVerified(engine, stack, request.sha);
    await deployment?.status("success", describeVerdict(check), url);
    return { kind: "verified", outputs, url, check, deployment };
  }
}
