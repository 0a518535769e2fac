import { driftIssueTitle, renderDriftIssue } from "./drift-issue";
import type { Issue } from "./github-api";
import type { LifecycleDeps } from "./lifecycle-deps";
import { previewNumber } from "./preview-queue";
import { maskSecrets } from "./secret-guard";
import { secretValues, type DriftOutcome } from "./stack-engine";

export interface DriftResult {
  stack: string;
  outcome: DriftOutcome["kind"];
  /** What happened to the stack's drift issue. */
  issue: "opened" | "updated" | "unchanged" | "closed" | "none";
  /** For errors: the reason, secrets masked. */
  detail?: string;
}

/**
 * Drift detection for the long-lived stacks (everything but previews): a clean stack closes its open drift issue, a
 * drifted one opens or updates exactly one, and an error touches no issue (a failed check says nothing about drift)
 * but is reported so the scheduled run fails visibly.
 */
export class DriftCheck {
  constructor(private readonly deps: LifecycleDeps) {}

  async run(only?: readonly string[]): Promise<DriftResult[]> {
    const { engine } = this.deps;
    const stacks = (await engine.listStacks())
      .map((s) => s.name)
      .filter((name) => previewNumber(name) === undefined)
      .filter((name) => !only || only.includes(name));
    const results: DriftResult[] = [];
    for (const stack of stacks) results.push(await this.check(stack));
    return results;
  }

  private async check(stack: string): Promise<DriftResult> {
    const { engine, github, clock, settings } = this.deps;
    const secrets = await this.secretsOf(stack);
    const outcome = await engine.checkDrift(stack);
    const open = await this.openIssue(stack);
    switch (outcome.kind) {
      case "error":
        return { stack, outcome: "error", issue: "none", detail: maskSecrets(outcome.message, secrets).slice(0, 1_000) };
      case "clean":
        if (!open) return { stack, outcome: "clean", issue: "none" };
        await github.createComment(open.number, `A drift check at ${clock.now().toISOString()} found **${stack}** clean again.`);
        await github.updateIssue(open.number, { state: "closed" });
        return { stack, outcome: "clean", issue: "closed" };
      case "drifted": {
        const body = renderDriftIssue(stack, outcome.resources, secrets, clock.now(), settings.runUrl);
        if (!open) {
          await github.createIssue({ title: driftIssueTitle(stack), body, labels: [settings.labels.drift] });
          return { stack, outcome: "drifted", issue: "opened" };
        }
        if (sameFindings(open.body, body)) return { stack, outcome: "drifted", issue: "unchanged" };
        await github.updateIssue(open.number, { body });
        return { stack, outcome: "drifted", issue: "updated" };
      }
    }
  }

  private async openIssue(stack: string): Promise<Issue | undefined> {
    const issues = await this.deps.github.issuesWithLabel(this.deps.settings.labels.drift, "open");
    return issues.find((issue) => issue.title === driftIssueTitle(stack) && issue.author === this.deps.settings.botLogin);
  }

  private async secretsOf(stack: string): Promise<string[]> {
    try {
      return secretValues(await this.deps.engine.outputs(stack));
    } catch {
      return [];
    }
  }
}

/** Bodies equal apart from the time and run they were checked in: no edit, no notification. */
function sameFindings(a: string, b: string): boolean {
  const strip = (text: string) => text.replace(/ at \d{4}-\d\d-\d\dT[\d:.]+Z\./, "").replace(/^CI run: .*$/m, "");
  return strip(a) === strip(b);
}
