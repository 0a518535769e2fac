import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OctokitGitHubApi } from "../../../scripts/lifecycle/octokit-github-api";
import { GitHubDouble } from "../../doubles/github/github-double";

/** OctokitGitHubApi against the GitHub double: the double answers over real HTTP as GitHub does. */
describe("OctokitGitHubApi over the GitHub double", () => {
  let github: GitHubDouble;
  let api: OctokitGitHubApi;
  const client = (options: { token?: string; rateLimitRetries?: number } = {}) =>
    new OctokitGitHubApi({
      token: options.token ?? github.acceptedToken,
      owner: "restant",
      repo: "environments",
      baseUrl: github.url,
      paceWrites: false,
      ...(options.rateLimitRetries !== undefined ? { rateLimitRetries: options.rateLimitRetries } : {}),
      log: () => {},
    });

  beforeAll(async () => {
    github = await new GitHubDouble().start();
    github.state.workflows.set("preview.yml", ["pr", "action"]);
    api = client();
  });
  afterAll(async () => {
    await github.stop();
  });

  it("follows Link-header pagination to the last comment and pull request", async () => {
    const pr = github.state.openPullRequest({ author: "a", headRef: "x", headSha: "f".repeat(40) });
    for (let i = 0; i < 230; i++) github.state.addComment(pr, "someone", `comment ${i}`);
    const before = github.requests.length;
    const comments = await api.comments(pr);
    expect(comments).toHaveLength(230);
    expect(comments.at(-1)?.body).toBe("comment 229");
    expect(github.requests.slice(before).filter((r) => r.endsWith(`/issues/${pr}/comments`))).toHaveLength(3);

    for (let i = 0; i < 120; i++) github.state.openPullRequest({ author: "a", headRef: `b${i}`, headSha: "e".repeat(40) });
    expect((await api.openPullRequests()).length).toBe(121);
  });

  it("reads the collaborator's role, keeping maintain and triage apart", async () => {
    github.setRole("m", "maintain");
    github.setRole("t", "triage");
    github.setRole("gone", "none");
    expect(await api.permission("m")).toBe("maintain");
    expect(await api.permission("t")).toBe("triage");
    expect(await api.permission("gone")).toBe("none");
    expect(await api.permission("anybody")).toBe("read");
  });

  it("tells a pull request from an issue, and a fork from a branch", async () => {
    const issue = github.state.createIssue("a", "an issue", "", []);
    expect(await api.pullRequest(issue.number)).toBeUndefined();
    const fork = github.state.openPullRequest({ author: "outsider", headRef: "main", headSha: "1".repeat(40), fork: true });
    expect(await api.pullRequest(fork)).toMatchObject({ fromFork: true, headRef: "main", state: "open", merged: false });
    github.state.close(fork, true);
    expect(await api.pullRequest(fork)).toMatchObject({ state: "closed", merged: true });
  });

  it("labels idempotently, tolerates removing an absent label, and lists issues without pull requests", async () => {
    const pr = github.state.openPullRequest({ author: "a", headRef: "l", headSha: "2".repeat(40) });
    await api.addLabel(pr, "drift");
    await api.addLabel(pr, "drift");
    expect(github.state.issues.get(pr)?.labels).toEqual(["drift"]);
    await api.removeLabel(pr, "never-there");
    const issue = await api.createIssue({ title: "Drift in stack staging", body: "x", labels: ["drift"] });
    expect((await api.issuesWithLabel("drift", "open")).map((i) => i.number)).toEqual([issue]);
    await api.updateIssue(issue, { state: "closed" });
    expect(await api.issuesWithLabel("drift", "open")).toEqual([]);
    expect((await api.issuesWithLabel("drift", "all")).map((i) => i.state)).toEqual(["closed"]);
  });

  it("is refused what GitHub refuses: bad credentials, bodies over 65,536 characters, undeclared dispatch inputs", async () => {
    await expect(client({ token: "ghs_wrong" }).permission("m")).rejects.toMatchObject({ status: 401 });
    const pr = github.state.openPullRequest({ author: "a", headRef: "big", headSha: "3".repeat(40) });
    await expect(api.createComment(pr, "x".repeat(65_537))).rejects.toMatchObject({ status: 422 });
    expect(github.state.commentsOn(pr)).toEqual([]);
    const id = await api.createComment(pr, "x".repeat(65_536));
    await expect(api.updateComment(id, "y".repeat(70_000))).rejects.toMatchObject({ status: 422 });
    await expect(api.dispatchWorkflow("preview.yml", "main", { pr: "1", sneaky: "1" })).rejects.toMatchObject({ status: 422 });
    await expect(api.dispatchWorkflow("missing.yml", "main", {})).rejects.toMatchObject({ status: 404 });
    await api.dispatchWorkflow("preview.yml", "main", { pr: "1", action: "create" });
    expect(github.state.dispatches.at(-1)).toEqual({ workflow: "preview.yml", ref: "main", inputs: { pr: "1", action: "create" } });
  });

  it("records deployments of known commits with statuses newest first, filters by environment and commit, and follows GitHub's auto_inactive", async () => {
    const sha = "5".repeat(40);
    github.state.addCommit(sha);
    await expect(
      api.createDeployment({ sha: "6".repeat(40), environment: "staging", description: "d", payload: { kind: "deploy", stack: "staging" }, transient: false, production: false }),
    ).rejects.toMatchObject({ status: 422, message: expect.stringContaining(`No ref found for: ${"6".repeat(40)}`) });
    const first = await api.createDeployment({ sha, environment: "qa", description: "first", payload: { kind: "deploy", stack: "qa", actor: "m" }, transient: false, production: false });
    expect(first).toMatchObject({ sha, environment: "qa", creator: "github-actions[bot]", payload: { kind: "deploy", stack: "qa", actor: "m" } });
    expect(first.url).toBe(`${github.url}/repos/restant/environments/deployments/${first.id}`);
    await api.createDeploymentStatus(first.id, { state: "in_progress", description: "deploying" });
    await api.createDeploymentStatus(first.id, { state: "success", description: "x".repeat(200), environmentUrl: "https://qa.example.com", logUrl: "https://ci/run/1" });
    const statuses = await api.deploymentStatuses(first.id);
    expect(statuses.map((st) => st.state)).toEqual(["success", "in_progress"]);
    expect(statuses[0]).toMatchObject({ environmentUrl: "https://qa.example.com", logUrl: "https://ci/run/1" });
    expect(statuses[0]!.description).toHaveLength(140); // clipped to GitHub's limit rather than refused

    const second = await api.createDeployment({ sha, environment: "qa", description: "second", payload: { kind: "rollback", stack: "qa" }, transient: false, production: false });
    await api.createDeploymentStatus(second.id, { state: "success", description: "ok" });
    // The client never lets GitHub inactivate on its own: the lifecycle says which deployment a success superseded.
    expect((await api.deploymentStatuses(first.id))[0]?.state).toBe("success");
    expect((await api.deployments("qa")).map((d) => d.id)).toEqual([second.id, first.id]);
    expect(await api.deployments("qa", "7".repeat(40))).toEqual([]);
    expect(await api.deployments("elsewhere")).toEqual([]);

    // What GitHub itself does and refuses, asked directly: auto_inactive's default, unknown states, long descriptions.
    const raw = (path: string, body: unknown) =>
      fetch(`${github.url}/repos/restant/environments${path}`, { method: "POST", headers: { authorization: `token ${github.acceptedToken}` }, body: JSON.stringify(body) });
    const third = (await (await raw("/deployments", { ref: sha, environment: "qa", auto_merge: false, required_contexts: [] })).json()) as { id: number; production_environment: boolean };
    expect(third.production_environment).toBe(false);
    expect((await raw(`/deployments/${third.id}/statuses`, { state: "success" })).status).toBe(201);
    expect(github.state.deployments.find((d) => d.id === second.id)?.statuses.at(-1)?.state).toBe("inactive");
    expect((await raw(`/deployments/${third.id}/statuses`, { state: "done" })).status).toBe(422);
    expect((await raw(`/deployments/${third.id}/statuses`, { state: "failure", description: "y".repeat(141) })).status).toBe(422);
    expect((await raw("/deployments/999999/statuses", { state: "success" })).status).toBe(404);
    const production = (await (await raw("/deployments", { ref: "main", environment: "production" })).json()) as { production_environment: boolean; sha: string };
    expect(production).toMatchObject({ production_environment: true, sha: "0".repeat(40) });
  });

  it("waits out a secondary rate limit and retries, and gives up after its retries", async () => {
    const pr = github.state.openPullRequest({ author: "a", headRef: "rl", headSha: "4".repeat(40) });
    github.limitNextRequests(2);
    const before = github.requests.length;
    const started = Date.now();
    await api.createComment(pr, "after the limit");
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_900); // Retry-After: 1, twice
    expect(github.requests.slice(before)).toHaveLength(3);
    expect(github.state.commentsOn(pr).map((c) => c.body)).toEqual(["after the limit"]);

    github.limitNextRequests(3);
    await expect(client({ rateLimitRetries: 1 }).comments(pr)).rejects.toMatchObject({ status: 403 });
    github.limitNextRequests(0);
  });
});
