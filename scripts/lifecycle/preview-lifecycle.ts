import { BASIC_AUTH_USER, slugForPullRequest } from "../../infra/names";
import { previewStack, type StackPlan } from "../../infra/stacks";
import { CircuitBreaker } from "./circuit-breaker";
import type { PreviewCommand } from "./preview-command";
import { canCommand, type PullRequest } from "./github-api";
import type { LifecycleDeps } from "./lifecycle-deps";
import { PreviewComments } from "./preview-comments";
import { PreviewQueue, mayTakePlace, placeHolders } from "./preview-queue";
import { isPreviewDatabaseSource, isWebUrl, type PreviewStatus } from "./preview-status";
import { maskSecrets, SecretLeakError } from "./secret-guard";
import { secretValues, type StackOutputs, type StackSummary, UpFailedError } from "./stack-engine";
import { StackTeardown } from "./stack-teardown";
import { QueuePickup } from "./queue-pickup";
import { registerRelease } from "./register-release";
import { DeploymentRecorder, type RecordedDeployment } from "./deployment-record";
import { checkEnvironment, describeVerdict } from "./environment-check";
import { formatUpdateMessage } from "./update-message";

export type PreviewOutcome =
  | "ignored"
  | "refused"
  | "closed"
  | "superseded"
  | "queued"
  | "paused"
  | "deployed"
  | "failed"
  | "destroyed"
  | "nothing-to-destroy"
  | "destroy-failed";

export interface PreviewResult {
  outcome: PreviewOutcome;
  pr?: number;
  detail: string;
}

/** Outcomes after which the CI job should fail, so the run shows red. */
export const FAILING_OUTCOMES: ReadonlySet<PreviewOutcome> = new Set(["failed", "destroy-failed"]);

/** The tag names a preview stack carries (at most 40 characters each, as Pulumi requires). */
export const PREVIEW_TAGS = {
  pr: "restant:pr",
  commit: "restant:commit",
  expires: "restant:expires",
  warnedFor: "restant:warned-for",
} as const;

/**
 * A pull request's preview, from a command to a comment: who may ask, whether a place is free, the stack made from
 * (PR, branch) exactly as `plan` makes it, `up`, Sentry, and on close destroy → verify → remove.
 */
export class PreviewLifecycle {
  private readonly comments: PreviewComments;
  private readonly breaker: CircuitBreaker;
  private readonly queue: PreviewQueue;
  private readonly pickup: QueuePickup;
  private readonly recorder: DeploymentRecorder;
  /** The fork commit a maintainer's label approved, carried in every status this run publishes while deploying. */
  private approvedCommit: string | undefined;

  constructor(private readonly deps: LifecycleDeps) {
    const { github, clock, settings } = deps;
    this.comments = new PreviewComments(github, settings.botLogin, clock);
    this.breaker = new CircuitBreaker(github, clock, {
      label: settings.labels.breaker,
      botLogin: settings.botLogin,
      threshold: settings.breakerThreshold,
      pauseMs: settings.breakerPauseMs,
    });
    this.queue = new PreviewQueue(github, this.comments, settings.labels.queued);
    this.pickup = new QueuePickup(deps, this.queue);
    this.recorder = new DeploymentRecorder(github, settings.runUrl, deps.log);
  }

  async run(command: PreviewCommand): Promise<PreviewResult> {
    this.approvedCommit = undefined;
    if (command.kind === "ignore") return { outcome: "ignored", detail: command.reason };
    const pr = await this.deps.github.pullRequest(command.pr);
    if (!pr) return { outcome: "refused", pr: command.pr, detail: `#${command.pr} is not a pull request` };
    const refusal = await this.authorize(command, pr);
    if (refusal) return refusal;
    return command.kind === "destroy" ? this.destroy(pr, command.reason) : this.deploy(command, pr);
  }

  /** Who may command what. Returns a refusal, or undefined when the command may go ahead. */
  private async authorize(command: Exclude<PreviewCommand, { kind: "ignore" }>, pr: PullRequest): Promise<PreviewResult | undefined> {
    const { github, settings } = this.deps;
    // A forwarded event (platform layout) that calls the PR a fork is believed over GitHub's answer only in the strict
    // direction: GitHub's answer decides everything below, so the two disagreeing means a payload not to act on.
    if ("fork" in command && command.fork === true && !pr.fromFork) {
      return { outcome: "refused", pr: pr.number, detail: `the event says #${pr.number} comes from a fork, but GitHub says its head is in the repository: not acted on` };
    }
    // Closing is GitHub's own event, dispatches need write access to start: neither needs a permission check.
    if (command.trigger === "close" || command.trigger === "dispatch") return undefined;
    if (command.trigger === "push") {
      if (!pr.fromFork) return undefined;
      // New commits in a fork are unreviewed code: the label a maintainer gave covered the commits they saw. Both
      // labels go, so a queued run picked up later cannot deploy the new head either.
      const { preview, queued } = settings.labels;
      if (!pr.labels.includes(preview) && !pr.labels.includes(queued)) return { outcome: "ignored", pr: pr.number, detail: "fork PR without a preview" };
      await github.removeLabel(pr.number, preview);
      await github.removeLabel(pr.number, queued);
      await this.say(pr.number, {
        state: "paused",
        note: "New commits arrived from a fork: the preview keeps its previous commit until a maintainer adds the `preview` label again.",
      });
      return { outcome: "refused", pr: pr.number, detail: "new commits in a fork need the label again" };
    }
    const permission = await github.permission(command.actor);
    if (!canCommand(permission)) {
      if (command.trigger === "comment") {
        await github.createComment(
          pr.number,
          `@${command.actor} previews can only be commanded by collaborators with write, maintain or admin permission.`,
        );
      }
      return { outcome: "refused", pr: pr.number, detail: `${command.actor} has ${permission} permission` };
    }
    if (command.kind !== "destroy" && pr.fromFork && !pr.labels.includes(settings.labels.preview)) {
      await github.createComment(
        pr.number,
        `This pull request comes from a fork: it gets a preview once a maintainer adds the \`${settings.labels.preview}\` label.`,
      );
      return { outcome: "refused", pr: pr.number, detail: "fork PR without the preview label" };
    }
    return undefined;
  }

  private async deploy(command: Exclude<PreviewCommand, { kind: "ignore" | "destroy" }>, pr: PullRequest): Promise<PreviewResult> {
    const { engine, github } = this.deps;
    // A push and a label deploy the head their event saw (a label run refuses if the head moved since); the rest the
    // head now. The commit checked here is the commit deployed: restant:commit, fetched from refs/pull/<n>/head.
    const sha = command.trigger === "push" || command.trigger === "label" ? command.sha : pr.headSha;
    const plan = previewStack(pr.number, pr.headRef, sha);
    const moved = stillWanted(pr, pr.number, sha, "at the start");
    if (moved) return moved;

    const previous = (await this.comments.read(pr.number))?.status;
    const unapproved = await this.refuseUnapprovedFork(command, pr, sha, previous);
    if (unapproved) return unapproved;
    const stacks = await engine.listStacks();
    const exists = stacks.some((s) => s.name === plan.stack);
    if (command.trigger === "push" && !exists && previous?.state !== "queued") {
      return { outcome: "ignored", pr: pr.number, detail: "no preview to update" };
    }
    const held = await this.holdIfPausedOrFull(pr.number, sha, exists ? undefined : stacks, previous);
    if (held) return held;

    const expiresAt = await this.startStack(plan, pr, sha);
    // The check right before `up`: the PR may have closed or moved on (or, for a fork, lost its label) while this run
    // waited its turn.
    const current = await github.pullRequest(pr.number);
    const before = stillWanted(current, pr.number, sha, "before up") ?? (current ? this.forkLabelGone(current) : undefined);
    if (before) {
      if (before.outcome === "closed" && !exists) await new StackTeardown(engine, this.deps.clock, this.deps.teardown).run(plan.stack);
      return before;
    }

    // A creation is an up of a preview that has never been ready: a retry of a failed creation counts again.
    const creation = !exists || !previous?.url;
    const deployment = await this.recorder.start({
      stack: plan.stack,
      sha,
      payload: { kind: "deploy", stack: plan.stack, actor: command.actor },
      description: `preview of ${sha.slice(0, 12)} for #${pr.number}`,
    });
    let outputs: StackOutputs;
    try {
      outputs = await engine.up(plan.stack, formatUpdateMessage({ kind: "deploy", sha, actor: command.actor }));
    } catch (error) {
      this.deps.log(`pulumi up failed for ${plan.stack}: ${error instanceof Error ? error.message : String(error)}\n`);
      await deployment?.status("failure", `pulumi up of ${sha.slice(0, 12)} failed`);
      const failure = error instanceof UpFailedError ? await this.failureDetails(plan.stack, error) : {};
      return this.reportFailedUp(pr.number, sha, expiresAt, creation, previous, failure);
    }
    if (creation) await this.breaker.recordSuccess();
    // Whoever moved the PR while this up ran (a newer push, a close) has a run of their own that reports.
    const after = stillWanted(await github.pullRequest(pr.number), pr.number, sha, "during up");
    if (after) {
      await deployment?.status("inactive", `superseded before its check: ${after.detail}`);
      return after;
    }
    return this.verifyThenReport(pr.number, sha, expiresAt, plan.stack, outputs, deployment);
  }

  /** Ready only once the preview answers its health check from outside, through its basic auth. */
  private async verifyThenReport(
    pr: number,
    sha: string,
    expiresAt: string,
    stack: string,
    outputs: StackOutputs,
    deployment: RecordedDeployment | undefined,
  ): Promise<PreviewResult> {
    const check = await checkEnvironment(this.deps, outputs);
    const url = plainString(outputs, "url");
    if (!check.verdict.healthy) {
      await deployment?.status("failure", describeVerdict(check), url);
      await this.say(
        pr,
        {
          state: "failed",
          commit: sha,
          expiresAt,
          ...(url && isWebUrl(url) ? { url } : {}),
          failedStep: describeVerdict(check),
          note: "The preview was deployed but does not answer its health check. See the CI run's log; comment `/update` to try again.",
        },
        secretValues(outputs),
      );
      return { outcome: "failed", pr, detail: describeVerdict(check) };
    }
    const result = await this.reportReady(pr, sha, expiresAt, stack, outputs);
    await deployment?.status(result.outcome === "deployed" ? "success" : "failure", result.outcome === "deployed" ? describeVerdict(check) : "the ready comment could not be written", url);
    return result;
  }

  /**
   * A fork's preview deploys only the exact commit a maintainer's `preview` label approved (recorded from the labelled
   * event's head SHA), whatever started this run: a queued run picked up by a dispatch, a reopen, a comment. The
   * label must still be on the PR. Returns a refusal, or undefined to go ahead.
   */
  private async refuseUnapprovedFork(
    command: Exclude<PreviewCommand, { kind: "ignore" | "destroy" }>,
    pr: PullRequest,
    sha: string,
    previous: PreviewStatus | undefined,
  ): Promise<PreviewResult | undefined> {
    if (!pr.fromFork) return undefined;
    const { github, settings } = this.deps;
    const approved = command.trigger === "label" ? command.sha : previous?.approvedCommit;
    if (pr.labels.includes(settings.labels.preview) && approved === sha) {
      this.approvedCommit = sha;
      return undefined;
    }
    await github.removeLabel(pr.number, settings.labels.queued);
    await this.say(pr.number, {
      state: "paused",
      note: `This fork's head ${sha.slice(0, 12)} is not the commit a maintainer approved: add the \`${settings.labels.preview}\` label again after reviewing it.`,
    });
    return { outcome: "refused", pr: pr.number, detail: `fork head ${sha} was not approved by a maintainer's label` };
  }

  /** The same rule right before `up`: a fork that lost its label while this run waited is not deployed. */
  private forkLabelGone(pr: PullRequest): PreviewResult | undefined {
    if (!pr.fromFork || pr.labels.includes(this.deps.settings.labels.preview)) return undefined;
    return { outcome: "refused", pr: pr.number, detail: "the fork lost its preview label before up" };
  }

  /** Paused by the breaker, or no free place: the PR joins the queue and its comment says why. */
  private async holdIfPausedOrFull(
    pr: number,
    sha: string,
    stacksIfNew: StackSummary[] | undefined,
    previous: PreviewStatus | undefined,
  ): Promise<PreviewResult | undefined> {
    const { github, clock, settings } = this.deps;
    const queuedAt = previous?.state === "queued" || previous?.state === "paused" ? (previous.queuedAt ?? clock.now().toISOString()) : clock.now().toISOString();
    const pausedUntil = await this.breaker.pausedUntil();
    if (pausedUntil) {
      await github.addLabel(pr, settings.labels.queued);
      await this.say(pr, {
        state: "paused",
        commit: sha,
        pausedUntil: pausedUntil.toISOString(),
        queuedAt,
        note: `${settings.breakerThreshold} preview creations failed in a row, so the automation is paused; this preview is queued and picked up after the pause.`,
      });
      return { outcome: "paused", pr, detail: `paused until ${pausedUntil.toISOString()}` };
    }
    if (!stacksIfNew) return undefined;
    const holders = placeHolders(stacksIfNew);
    if (mayTakePlace(pr, holders, await this.queue.waiting(), settings.previewLimit)) return undefined;
    await github.addLabel(pr, settings.labels.queued);
    await this.say(pr, {
      state: "queued",
      commit: sha,
      holders,
      queuedAt,
      note: `All ${settings.previewLimit} preview places are taken; this one starts when a place frees.`,
    });
    return { outcome: "queued", pr, detail: `held by ${holders.map((h) => `#${h}`).join(", ")}` };
  }

  /** Makes or selects the stack exactly as `plan` does, tags it, and says the deploy started. Returns the expiry. */
  private async startStack(plan: StackPlan, pr: PullRequest, sha: string): Promise<string> {
    const { engine, github, clock, settings } = this.deps;
    // The team's preview password, when it has one, reaches the stack only as a Pulumi secret.
    const password = settings.previewPassword;
    await engine.prepare(plan, password ? { "restant:previewPassword": password } : {});
    const expiresAt = new Date(clock.now().getTime() + settings.expiryMs).toISOString();
    await engine.setTags(plan.stack, { [PREVIEW_TAGS.pr]: String(pr.number), [PREVIEW_TAGS.commit]: sha, [PREVIEW_TAGS.expires]: expiresAt });
    await github.removeLabel(pr.number, settings.labels.queued);
    // The label marks a PR that wants a preview: pushes to it redeploy, and the reaper looks for it. For a fork only
    // a maintainer sets it (checked above), so it is never added to one here.
    if (!pr.fromFork && !pr.labels.includes(settings.labels.preview)) await github.addLabel(pr.number, settings.labels.preview);
    await this.say(pr.number, { state: "deploying", commit: sha, expiresAt });
    return expiresAt;
  }

  /**
   * What a failed up's comment shows: the resource that failed and the last lines of the log, every secret the run
   * knows (the stack's secret outputs, the team's preview password) masked by secret-guard; the comment is checked
   * again for them before it is posted.
   */
  private async failureDetails(stack: string, error: UpFailedError): Promise<{ failedResource?: string; logTail?: string; secrets: string[] }> {
    const secrets = [...(await this.secretsOf(stack)), ...this.runSecrets()];
    const tail = maskSecrets(lastLines(error.log, LOG_TAIL_LINES), secrets);
    return { ...(error.resource ? { failedResource: error.resource } : {}), ...(tail ? { logTail: tail } : {}), secrets };
  }

  /** Secrets this run holds itself, whatever the stack's outputs say. */
  private runSecrets(): string[] {
    const password = this.deps.settings.previewPassword;
    return password ? [password] : [];
  }

  private async reportFailedUp(
    pr: number,
    sha: string,
    expiresAt: string,
    creation: boolean,
    previous: PreviewStatus | undefined,
    failure: { failedResource?: string; logTail?: string; secrets?: string[] } = {},
  ): Promise<PreviewResult> {
    const { github, settings } = this.deps;
    // Closed while the up ran: the cleanup, not a failure report, is what the PR needs now.
    const now = await github.pullRequest(pr);
    if (!now || now.state !== "open") return { outcome: "closed", pr, detail: "the pull request closed during a failed up" };
    const pausedAfter = creation ? await this.breaker.recordFailure(pr, "pulumi up") : undefined;
    await this.say(pr, {
      state: "failed",
      commit: sha,
      expiresAt,
      ...(previous?.url ? { url: previous.url } : {}),
      failedStep: "pulumi up",
      ...(failure.failedResource ? { failedResource: failure.failedResource } : {}),
      ...(failure.logTail ? { logTail: failure.logTail } : {}),
      ...(pausedAfter ? { pausedUntil: pausedAfter.toISOString() } : {}),
      note: pausedAfter
        ? `${settings.breakerThreshold} creations failed in a row: preview creation is paused until ${pausedAfter.toISOString()}.`
        : "See the CI run's log. Comment `/update` to try again, `/destroy` to remove what was made.",
    }, failure.secrets ?? []);
    return { outcome: "failed", pr, detail: "pulumi up failed" };
  }

  /** Sentry, then the comment from structured outputs; a comment that would show a secret is replaced by a refusal. */
  private async reportReady(pr: number, sha: string, expiresAt: string, stack: string, outputs: StackOutputs): Promise<PreviewResult> {
    const { settings } = this.deps;
    const url = [plainString(outputs, "url")].find((u): u is string => u !== undefined && isWebUrl(u));
    const snapshotTakenAt = plainString(outputs, "snapshotTakenAt");
    const databaseSource = plainString(outputs, "databaseSource");
    const registered = await registerRelease(this.deps, sha, plainString(outputs, "slug") ?? stack, url);
    const releaseNote = registered || !this.deps.sentry ? "" : " The Sentry release could not be registered (see the CI log).";
    const secrets = [...secretValues(outputs), ...this.runSecrets()];
    const ready: PreviewStatus = {
      pr,
      state: "ready",
      commit: sha,
      expiresAt,
      ...(url ? { url } : {}),
      access: {
        user: BASIC_AUTH_USER,
        passwordKeptIn: settings.previewPassword
          ? "the team's preview password (the `RESTANT_PREVIEW_PASSWORD` secret, `restant:previewPassword` on the stack): ask a maintainer"
          : `this preview's own, for those with access to the state: \`pulumi stack output basicAuthPassword --show-secrets -s ${stack}\``,
      },
      ...(snapshotTakenAt ? { snapshotTakenAt } : {}),
      ...(isPreviewDatabaseSource(databaseSource) ? { databaseSource } : {}),
      ...(settings.runUrl ? { runUrl: settings.runUrl } : {}),
      note: `No push or \`/update\` for ${Math.round(settings.expiryMs / 86_400_000)} days removes it.${releaseNote}`,
    };
    try {
      await this.comments.publish(ready, secrets);
    } catch (error) {
      if (!(error instanceof SecretLeakError)) throw error;
      this.deps.log(`${error.message}\n`);
      await this.comments.publish({ pr, state: "failed", commit: sha, failedStep: "writing this comment (it would have shown a secret)" }, secrets);
      return { outcome: "failed", pr, detail: error.message };
    }
    return { outcome: "deployed", pr, detail: url ?? stack };
  }

  private async destroy(pr: PullRequest, reason?: string): Promise<PreviewResult> {
    const { engine, github, clock, settings } = this.deps;
    // By number alone: a preview is removable whatever its head branch is called.
    const stack = slugForPullRequest(pr.number);
    await github.removeLabel(pr.number, settings.labels.queued);
    // Wanted no more: later pushes must not bring it back (a closed PR keeps its labels, harmlessly).
    if (pr.state === "open") await github.removeLabel(pr.number, settings.labels.preview);
    const previous = await this.comments.read(pr.number);
    const exists = (await engine.listStacks()).some((s) => s.name === stack);
    if (!exists) {
      if (previous && previous.status.state !== "destroyed") {
        await this.say(pr.number, { state: "destroyed", note: "Nothing was deployed for this pull request." });
      }
      await this.pickup.fillFreePlaces();
      return { outcome: "nothing-to-destroy", pr: pr.number, detail: `no stack ${stack}` };
    }
    const secrets = await this.secretsOf(stack);
    await this.say(pr.number, { state: "destroying" }, secrets);
    const result = await new StackTeardown(engine, clock, { ...this.deps.teardown, log: this.deps.log }).run(stack);
    if (result.kind === "kept") {
      await this.say(
        pr.number,
        {
          state: "destroy-failed",
          failedStep: result.lastError,
          ...(result.remaining !== undefined ? { remaining: result.remaining } : {}),
          note: "The stack is kept so nothing is left untracked; the scheduled reaper retries.",
        },
        secrets,
      );
      return { outcome: "destroy-failed", pr: pr.number, detail: result.lastError };
    }
    await this.say(pr.number, { state: "destroyed", ...(reason ? { note: reason } : {}) }, secrets);
    await this.recorder.retire(stack);
    await this.pickup.fillFreePlaces();
    return { outcome: "destroyed", pr: pr.number, detail: stack };
  }

  private async secretsOf(stack: string): Promise<string[]> {
    try {
      return secretValues(await this.deps.engine.outputs(stack));
    } catch {
      return [];
    }
  }

  private async say(pr: number, status: Omit<PreviewStatus, "pr">, secrets: readonly string[] = []): Promise<void> {
    const runUrl = this.deps.settings.runUrl;
    const approval = this.approvedCommit ? { approvedCommit: this.approvedCommit } : {};
    await this.comments.publish({ pr, ...(runUrl ? { runUrl } : {}), ...approval, ...status }, secrets);
  }
}

/** How much of a failed up's log its comment shows. */
const LOG_TAIL_LINES = 20;

function lastLines(text: string, count: number): string {
  return text.replace(/\r\n/g, "\n").trimEnd().split("\n").slice(-count).join("\n");
}

function plainString(outputs: StackOutputs, name: string): string | undefined {
  const output = outputs[name];
  return output && !output.secret && typeof output.value === "string" ? output.value : undefined;
}

/** A closed PR, or a newer head than the commit this run was started for: someone else's run takes over. */
function stillWanted(pr: PullRequest | undefined, number: number, sha: string, when: string): PreviewResult | undefined {
  if (!pr || pr.state !== "open") return { outcome: "closed", pr: number, detail: `the pull request is closed (${when})` };
  if (pr.headSha !== sha) return { outcome: "superseded", pr: number, detail: `${pr.headSha} is the PR's head (${when})` };
  return undefined;
}
