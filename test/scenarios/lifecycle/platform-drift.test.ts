import { describe, expect, it } from "vitest";
import { BranchDeploy } from "../../../scripts/lifecycle/branch-deploy";
import { AppRepository } from "./app-repository";
import { ciScript } from "./ci-script";
import { type Scenario, scenarioPerTest, SHA_A } from "./harness";

/**
 * The daily drift check in the platform layout (docs/platform-repository.md), run as drift.yml runs it: drift issues
 * are about the platform's stacks, so they are written on the platform repository with the run's own GITHUB_TOKEN
 * (whose writes are `github-actions[bot]`'s), while RESTANT_BOT_LOGIN names the app repository token's login. The
 * check must find its own issue again by the login of the token that wrote it, or every run opens another.
 */
describe("drift issues in the platform layout", () => {
  let s: Scenario;
  let app: AppRepository;
  scenarioPerTest((scenario) => {
    s = scenario;
    app = AppRepository.ofTeam(s.github);
  });

  const drift = () => ciScript(s)("drift", undefined, { ...app.platformEnv, ARGS: "staging" });
  const driftIssues = () => [...s.github.state.issues.values()].filter((i) => i.labels.includes("drift"));
  const driftOnStaging = (domain: string) =>
    s.pulumi.setWorld({ stacks: { staging: { drift: [{ resource: "restant-runtime-app", field: "domains", actual: ["restant.staging.restant.app", domain] }] } } });

  it("keeps one issue on the platform repository across runs, updates it when the findings change, and closes it when clean", async () => {
    expect(await new BranchDeploy(s.deps).run({ kind: "deploy", branch: "staging", sha: SHA_A })).toMatchObject({ outcome: "deployed" });

    driftOnStaging("first.example.net");
    const first = await drift();
    expect(first.code, first.stderr).toBe(0);
    expect(first.summary).toContain("- staging: drifted (issue opened)");
    expect(driftIssues()).toHaveLength(1);
    const [issue] = driftIssues();
    expect(issue).toMatchObject({ title: "Drift in stack staging", state: "open", author: "github-actions[bot]" });
    expect(issue!.body).toContain("first.example.net");

    // The same drift again: the open issue is found, not opened twice.
    const same = await drift();
    expect(same.code, same.stderr).toBe(0);
    expect(same.summary).toContain("- staging: drifted (issue unchanged)");
    expect(driftIssues()).toHaveLength(1);

    // Other drift: the same issue now says so.
    driftOnStaging("second.example.net");
    const changed = await drift();
    expect(changed.code, changed.stderr).toBe(0);
    expect(changed.summary).toContain("- staging: drifted (issue updated)");
    expect(driftIssues()).toHaveLength(1);
    expect(issue!.body).toContain("second.example.net");
    expect(issue!.body).not.toContain("first.example.net");

    // Clean again: that issue is closed, with a comment by the same writer.
    s.pulumi.setWorld({ stacks: { staging: {} } });
    const clean = await drift();
    expect(clean.code, clean.stderr).toBe(0);
    expect(clean.summary).toContain("- staging: clean (issue closed)");
    expect(driftIssues()).toHaveLength(1);
    expect(issue!.state).toBe("closed");
    expect(s.github.state.commentsOn(issue!.number)).toEqual([expect.objectContaining({ author: "github-actions[bot]", body: expect.stringMatching(/clean again/) })]);

    // Nothing of it reached the app repository.
    expect([...app.state.issues.values()]).toEqual([]);
    expect(app.state.comments).toEqual([]);
  });
});
