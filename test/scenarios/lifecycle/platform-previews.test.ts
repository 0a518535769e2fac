import { describe, expect, it } from "vitest";
import { readPreviewStatus } from "../../../scripts/lifecycle/preview-comment";
import { TEAM_ZONE } from "../../support/team-values";
import { AppRepository } from "./app-repository";
import { ciScript, type ScriptRun } from "./ci-script";
import { type Scenario, scenarioPerTest, SHA_A, SHA_B } from "./harness";

/**
 * Previews in the platform layout (docs/platform-repository.md), walked as a team runs them: an event of the app
 * repository's pull request → the app's forwarding workflow (docs/app-repository/forward-pull-requests.yml, its real
 * jq) → a repository_dispatch to the platform repository → the platform's preview script → the stack config → the real
 * program in the pulumi CLI double → the comment, labels and GitHub Deployment on the APP repository's pull request,
 * written with the app repository's token (the platform run's own token is refused there, as GitHub refuses it).
 */
describe("previews of the app repository's pull requests, run from the platform repository", () => {
  let s: Scenario;
  let app: AppRepository;
  scenarioPerTest((scenario) => {
    s = scenario;
    app = AppRepository.ofTeam(s.github);
    app.state.roles.set("writer", "write");
    app.state.roles.set("maintainer", "maintain");
  });

  /** The platform's preview script (preview.yml and cleanup.yml both run it) for what the app repository forwarded. */
  const platformRun = async (event: { name: string; payload: unknown }, extra: Record<string, string> = {}): Promise<ScriptRun> =>
    ciScript(s)("preview", await app.forward(event, s.github.state), { ...app.platformEnv, ...extra });
  const ourComments = (pr: number) => app.state.commentsOn(pr).filter((c) => c.author === app.options.botLogin);
  const statusOn = (pr: number) => ourComments(pr).map((c) => readPreviewStatus(c.body)).find((st) => st !== undefined);
  const breakerIssues = () => [...app.state.issues.values()].filter((i) => i.labels.includes("preview-breaker"));
  const stackCommands = () => s.pulumi.calls().filter((c) => ["up", "preview", "destroy"].includes(c[0]!) || (c[0] === "stack" && c[1] === "init"));

  it("makes a preview from a /preview comment, updates it on a push, and destroys it when the PR closes: everything shown on the app's PR", async () => {
    const pr = app.state.openPullRequest({ author: "writer", headRef: "feature/checkout", headSha: SHA_A });

    const created = await platformRun(app.commentEvent(pr, "writer", "/preview"));
    expect(created.code, created.stderr).toBe(0);
    const url = `https://restant-pr-${pr}.${TEAM_ZONE}`;
    expect(created.summary).toContain(`**Preview #${pr}**: deployed — ${url}`);
    // The PR and commit of the app repository reach the stack's config and the program's deploy.
    expect(s.pulumi.stackConfig(`pr-${pr}`)).toContain(`restant:commit: ${SHA_A}`);
    const deploy = () => s.pulumi.declared(`pr-${pr}`)!.resources.find((r) => r.name === "restant-runtime-deploy")!;
    expect(deploy().inputs.triggers).toEqual([expect.any(String), `refs/pull/${pr}/head`, SHA_A]);
    // What the PR's people see, on the app repository: one comment by the app token's login with the URL, the label,
    // and a GitHub Deployment of the app's commit.
    expect(ourComments(pr)).toHaveLength(1);
    expect(statusOn(pr)).toMatchObject({ state: "ready", commit: SHA_A, url });
    expect(ourComments(pr)[0]!.body).toContain(url);
    expect(app.state.issues.get(pr)!.labels).toContain("preview");
    const [deployment] = app.state.deployments;
    expect(deployment).toMatchObject({ sha: SHA_A, environment: `pr-${pr}`, transient: true, creator: app.options.botLogin });
    expect(deployment!.statuses.map((st) => st.state)).toEqual(["in_progress", "success"]);
    // Nothing of it went to the platform repository.
    expect(s.github.state.comments).toEqual([]);
    expect(s.github.state.deployments).toEqual([]);

    // The preview label the app token added comes back as a labeled event (a token's writes start workflows): ignored.
    const echo = await platformRun(app.pullRequestEvent("labeled", pr, app.options.botLogin, "preview"));
    expect(echo.code, echo.stderr).toBe(0);
    expect(echo.summary).toContain("ignored — an event restant-previews (this automation) caused");

    // A push: the head SHA in the forwarded payload is the commit deployed.
    app.state.push(pr, SHA_B);
    const updated = await platformRun(app.pullRequestEvent("synchronize", pr, "writer"));
    expect(updated.code, updated.stderr).toBe(0);
    expect(s.pulumi.stackConfig(`pr-${pr}`)).toContain(`restant:commit: ${SHA_B}`);
    expect(deploy().inputs.triggers).toEqual([expect.any(String), `refs/pull/${pr}/head`, SHA_B]);
    expect(statusOn(pr)).toMatchObject({ state: "ready", commit: SHA_B, url });
    expect(ourComments(pr)).toHaveLength(1);

    // Closed: cleanup destroys the stack and removes it; the comment and the Deployment say so.
    app.state.close(pr);
    const closed = await platformRun(app.pullRequestEvent("closed", pr, "writer"));
    expect(closed.code, closed.stderr).toBe(0);
    expect(closed.summary).toContain(`**Preview #${pr}**: destroyed — pr-${pr}`);
    expect(await s.stacks()).not.toContain(`pr-${pr}`);
    expect(s.pulumi.calls().some((c) => c[0] === "destroy" && c.includes(`pr-${pr}`))).toBe(true);
    expect(statusOn(pr)).toMatchObject({ state: "destroyed" });
    expect(app.state.deployments.every((d) => d.statuses.at(-1)?.state === "inactive")).toBe(true);
  });

  it("reaps by the app's pull requests, and hands a freed place to the app's next PR through this repository's preview.yml", async () => {
    s.setPlatformConfig({ "restant:previewLimit": 1 });
    const first = app.state.openPullRequest({ author: "writer", headRef: "feature/one", headSha: SHA_A });
    const second = app.state.openPullRequest({ author: "writer", headRef: "feature/two", headSha: SHA_B });
    expect((await platformRun(app.commentEvent(first, "writer", "/preview"))).summary).toContain(`**Preview #${first}**: deployed`);
    const queued = await platformRun(app.commentEvent(second, "writer", "/preview"));
    expect(queued.summary).toContain(`**Preview #${second}**: queued — held by #${first}`);
    expect(app.state.issues.get(second)!.labels).toContain("preview-queued");

    // The platform repository has no pull request #1: the hourly reaper asks the app repository, where it is open.
    const kept = await ciScript(s)("reap", undefined, app.platformEnv);
    expect(kept.code, kept.stderr).toBe(0);
    expect(await s.stacks()).toContain(`pr-${first}`);

    // The close event was missed: the reaper finds the app's PR closed, destroys its preview, and dispatches this
    // repository's preview.yml for the app's queued PR.
    app.state.close(first);
    const reaped = await ciScript(s)("reap", undefined, app.platformEnv);
    expect(reaped.code, reaped.stderr).toBe(0);
    expect(reaped.summary).toContain(`- #${first}: closed → destroyed`);
    expect(await s.stacks()).not.toContain(`pr-${first}`);
    // (The destroy and the reaper's own last pass each hand the place on: both dispatches name the same PR and share
    // its concurrency group.)
    expect(new Set(s.github.state.dispatches.map((d) => JSON.stringify(d)))).toEqual(
      new Set([JSON.stringify({ workflow: "preview.yml", ref: "main", inputs: { pr: String(second), action: "create" } })]),
    );
    expect(app.state.dispatches).toEqual([]);
    const picked = await ciScript(s)(
      "preview",
      { name: "workflow_dispatch", payload: { inputs: { pr: String(second), action: "create" }, sender: { login: "github-actions[bot]" } } },
      app.platformEnv,
    );
    expect(picked.code, picked.stderr).toBe(0);
    expect(picked.summary).toContain(`**Preview #${second}**: deployed — https://restant-pr-${second}.${TEAM_ZONE}`);
    expect(statusOn(second)).toMatchObject({ state: "ready", commit: SHA_B });
    expect(app.state.issues.get(second)!.labels).not.toContain("preview-queued");
  });

  it("keeps the fork rules: a fork's /preview is refused on the app's PR until a maintainer's label approves the commit", async () => {
    const pr = app.state.openPullRequest({ author: "outsider", headRef: "main", headSha: SHA_A, fork: true });
    const refused = await platformRun(app.commentEvent(pr, "maintainer", "/preview"));
    expect(refused.code, refused.stderr).toBe(0);
    expect(refused.summary).toContain("refused — fork PR without the preview label");
    expect(ourComments(pr).map((c) => c.body)).toEqual([expect.stringContaining("comes from a fork: it gets a preview once a maintainer adds the `preview` label")]);

    // An outsider's label counts for nothing: the permission is read from the app repository.
    app.state.issues.get(pr)!.labels.push("preview");
    const byOutsider = await platformRun(app.pullRequestEvent("labeled", pr, "outsider", "preview"));
    expect(byOutsider.summary).toContain("refused — outsider has read permission");
    expect(stackCommands()).toEqual([]);

    const labelled = await platformRun(app.pullRequestEvent("labeled", pr, "maintainer", "preview"));
    expect(labelled.code, labelled.stderr).toBe(0);
    expect(labelled.summary).toContain(`deployed — https://restant-pr-${pr}.${TEAM_ZONE}`);
    expect(statusOn(pr)).toMatchObject({ state: "ready", commit: SHA_A });

    // The fork pushes: unreviewed code, so the labels go and the preview keeps the approved commit.
    app.state.push(pr, SHA_B);
    const pushed = await platformRun(app.pullRequestEvent("synchronize", pr, "outsider"));
    expect(pushed.summary).toContain("refused — new commits in a fork need the label again");
    expect(app.state.issues.get(pr)!.labels).not.toContain("preview");
    expect(s.pulumi.stackConfig(`pr-${pr}`)).toContain(`restant:commit: ${SHA_A}`);
  });

  it("does not act on a payload that calls a fork's PR its own, nor on one that calls the app's own PR a fork", async () => {
    const fork = app.state.openPullRequest({ author: "outsider", headRef: "main", headSha: SHA_A, fork: true });
    const forwarded = await app.forward(app.pullRequestEvent("labeled", fork, "maintainer", "preview"), s.github.state);
    // A payload edited to say "not a fork": GitHub's answer (a fork, without the label) decides.
    forwarded.payload.client_payload.fork = false;
    const lied = await ciScript(s)("preview", forwarded, app.platformEnv);
    expect(lied.summary).toContain("refused — fork PR without the preview label");

    const own = app.state.openPullRequest({ author: "writer", headRef: "feature/x", headSha: SHA_B });
    const claimed = await app.forward(app.pullRequestEvent("labeled", own, "writer", "preview"), s.github.state);
    claimed.payload.client_payload.fork = true;
    const odd = await ciScript(s)("preview", claimed, app.platformEnv);
    expect(odd.summary).toContain(`refused — the event says #${own} comes from a fork, but GitHub says its head is in the repository`);
    expect(stackCommands()).toEqual([]);
  });

  it("refuses a malformed payload before any stack is touched, naming each field (exit 2)", async () => {
    const pr = app.state.openPullRequest({ author: "writer", headRef: "feature/x", headSha: SHA_A });
    const forwarded = await app.forward(app.pullRequestEvent("synchronize", pr, "writer"), s.github.state);
    const payload = forwarded.payload.client_payload;
    payload.head_sha = "a1b2c3d";
    delete payload.pr;
    const result = await ciScript(s)("preview", forwarded, app.platformEnv);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`the restant-app-pull-request dispatch from ${app.fullName}`);
    expect(result.stderr).toContain("client_payload.pr: must be the pull request's number in the app repository (a positive whole number), got null");
    expect(result.stderr).toContain(
      'client_payload.head_sha: must be the full 40-character lower-case hex SHA of the PR\'s head the event saw (pull_request.head.sha): it becomes restant:commit, got "a1b2c3d"',
    );
    expect(stackCommands()).toEqual([]);
    expect(ourComments(pr)).toEqual([]);
  });

  it("refuses to run without a token for the app repository, naming the secret and its permissions", async () => {
    const pr = app.state.openPullRequest({ author: "writer", headRef: "feature/x", headSha: SHA_A });
    const result = await platformRun(app.commentEvent(pr, "writer", "/preview"), { RESTANT_APP_GITHUB_TOKEN: "" });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("RESTANT_APP_GITHUB_TOKEN must be set: with RESTANT_APP_REPOSITORY the pull requests, comments and GitHub Deployments are restant-hq/restant's");
    expect(result.stderr).toContain("Pull requests, Issues and Deployments: read and write; Metadata: read");
    expect(stackCommands()).toEqual([]);
    // Why it is needed: the platform run's own token is refused on the app repository, as GitHub refuses it.
    const response = await fetch(`${s.github.url}/repos/${app.fullName}/issues/${pr}/comments`, {
      method: "POST",
      headers: { authorization: `token ${s.github.acceptedToken}`, "content-type": "application/json" },
      body: JSON.stringify({ body: "hello" }),
    });
    expect(response.status).toBe(403);
    expect(app.state.commentsOn(pr).map((c) => c.body)).toEqual(["/preview"]);
  });

  it("ignores the platform repository's own pull requests: only the app's get previews", async () => {
    const own = s.github.state.openPullRequest({ author: "writer", headRef: "infra/change", headSha: SHA_A });
    s.github.setRole("writer", "write");
    s.github.state.addComment(own, "writer", "/preview");
    const result = await ciScript(s)(
      "preview",
      { name: "issue_comment", payload: { action: "created", issue: { number: own, pull_request: {} }, comment: { body: "/preview", user: { login: "writer" } } } },
      app.platformEnv,
    );
    expect(result.code, result.stderr).toBe(0);
    expect(result.summary).toContain("ignored — in the platform layout previews are of restant-hq/restant's pull requests");
    expect(stackCommands()).toEqual([]);
  });

  // The breaker's issue is the app repository's, written with its token: only that token's login is trusted there, since
  // github-actions[bot] on the app repository is its own workflows, not this automation.
  it("counts failures in one issue by the app token's login on the app repository, pauses creations, and ignores one by github-actions[bot]", async () => {
    // An issue the app repository's own workflows could write: same title, label and marker, another author.
    const forged = JSON.stringify({ failures: 5, pausedUntil: "2099-01-01T00:00:00.000Z", recent: [] });
    app.state.createIssue("github-actions[bot]", "Preview automation: circuit breaker", `<!-- restant:breaker ${forged} -->`, ["preview-breaker"]);

    const broken = app.state.openPullRequest({ author: "writer", headRef: "feature/broken", headSha: SHA_A });
    s.pulumi.setWorld({ stacks: { [`pr-${broken}`]: { failUp: 3 } } });
    for (let i = 1; i <= 3; i++) {
      const run = await platformRun(app.commentEvent(broken, "writer", "/preview"));
      expect(run.code, run.stderr).toBe(1);
      expect(run.summary).toContain(`**Preview #${broken}**: failed`);
      const ours = breakerIssues().filter((issue) => issue.author === app.options.botLogin);
      expect(ours, `after failure ${i}`).toHaveLength(1);
      expect(ours[0]!.state).toBe("open");
      expect(ours[0]!.body).toContain(i < 3 ? `${i} preview creation(s) failed in a row` : "Preview creation is **paused until");
    }

    const other = app.state.openPullRequest({ author: "writer", headRef: "feature/fine", headSha: SHA_B });
    const paused = await platformRun(app.commentEvent(other, "writer", "/preview"));
    expect(paused.code, paused.stderr).toBe(0);
    expect(paused.summary).toContain(`**Preview #${other}**: paused`);
    expect(app.state.issues.get(other)!.labels).toContain("preview-queued");
    expect(await s.stacks()).toEqual([`pr-${broken}`]);
    // Nothing of the breaker on the platform repository.
    expect([...s.github.state.issues.values()].filter((i) => i.labels.includes("preview-breaker"))).toEqual([]);
  });
});
