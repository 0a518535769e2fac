import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { parse as parseYaml } from "yaml";
import { deployHistory } from "../../../scripts/lifecycle/deploy-history";
import { DriftCheck } from "../../../scripts/lifecycle/drift-check";
import { StateStore } from "../../doubles/dokku/state/store";
import { projectRoot } from "../../support/built";
import { openBranchPushes } from "../branch-push";
import type { Scenario } from "../scenario";
import { TEAM_ZONE } from "../../support/team-values";

const GOOD = "3333333333333333333333333333333333333333";
const BAD = "4444444444444444444444444444444444444444";
const APP = "restant-staging";

/**
 * The user's whole path for a deploy whose check fails, on the real engine: the push event deploy.yml runs
 * scripts/deploy's BranchDeploy for (with the settings the workflow's script step gives it) → staging's stack config
 * (restant:commit set by the script) → the real program → the real providers and remote commands (git:sync over SSH)
 * → the Dokku double. The app double answers /up over HTTPS with 503 while Dokku runs the bad commit: the script
 * reports the failure and the rollback, Dokku runs the good commit again, GitHub's Deployments show it in order and the
 * stack's real `pulumi stack history` says it. Then the scheduled drift check finds the stack clean, and after a config
 * value is changed by hand on Dokku opens the stack's drift issue naming the app and its config. Runs last: it replaces the world's stand-in staging Flagsmith
 * environment with the one the staging stack makes.
 */
export const verifiedRollbackScenario: Scenario = {
  name: "staging: a push whose health check fails rolls back (event → script → config → program → providers → Dokku); drift check",
  async run({ session, world: startWorld }) {
    const world = await startWorld();
    const workflowEnv = scriptStepEnv();
    for (const name of ["GITHUB_TOKEN", "RESTANT_HEALTH_TIMEOUT_MINUTES", "PULUMI_BACKEND_URL", "PULUMI_CONFIG_PASSPHRASE"]) {
      assert.ok(workflowEnv.includes(name), `lifecycle.yml's script step gives ${name}`);
    }
    const deployWorkflow = parseYaml(readFileSync(path.join(projectRoot, ".github", "workflows", "deploy.yml"), "utf8")) as {
      jobs: { branch: { with: { script: string } } };
    };
    assert.equal(deployWorkflow.jobs.branch.with.script, "deploy", "a push to staging runs scripts/deploy");

    world.freeStagingFlagsmith();
    const workDir = session.projectCopy();
    const pushes = await openBranchPushes(session, world, workDir);
    const { github, app, engine, deps, log } = pushes;
    try {
      const running = () => new StateStore(world.dokku.stateDir).read().apps[APP]?.release?.ref;
      app.answer = (request) => (request.host !== `restant.staging.${TEAM_ZONE}` ? 404 : running() === BAD ? 503 : 200);
      // What the operator's stack file holds for this server (the world's Dokku and Flagsmith); the script adds the rest.
      await engine.prepare({ stack: "staging", kind: "staging", config: world.config });
      const push = (sha: string) => pushes.push("staging", sha);

      const first = await push(GOOD);
      assert.equal(first.outcome, "deployed", `${first.detail}\n${log.join("")}`);
      assert.equal(running(), GOOD);
      const second = await push(BAD);
      assert.equal(second.outcome, "rolled-back", `${second.detail}\n${log.join("")}`);
      assert.match(second.detail, /failed its check \(health check failed: 503 after [\d.]+ min\); rollback: rolled-back/);
      assert.equal(running(), GOOD, "Dokku runs the good commit again");
      const syncs = new StateStore(world.dokku.stateDir).read().apps[APP]?.source;
      assert.equal(syncs?.ref, GOOD);

      const deployments = github.state.deployments.map((d) => `${d.sha.slice(0, 4)} ${(d.payload as { kind: string }).kind}: ${d.statuses.map((s) => s.state).join(" ")}`);
      assert.deepEqual(deployments, ["3333 deploy: in_progress success inactive", "4444 deploy: in_progress failure", "3333 rollback: in_progress success"]);

      // The real CLI's `stack history` carries each update's config (restant:commit) and the script's message.
      const history = await deployHistory(engine, "staging", 5);
      assert.deepEqual(
        history.map((h) => [h.kind, h.commit, h.who, h.check, h.rolledBack]),
        [
          ["rollback", GOOD, "maintainer", "passed", false],
          ["deploy", BAD, "maintainer", "failed", true],
          ["deploy", GOOD, "maintainer", "passed", false],
        ],
      );

      // The scheduled drift check (scripts/drift.ts's DriftCheck) on the same stack: clean, then a value changed by
      // hand on the server is reported in the stack's drift issue, naming the resource and the field.
      const drift = new DriftCheck(deps);
      assert.deepEqual(await drift.run(["staging"]), [{ stack: "staging", outcome: "clean", issue: "none" }], `staging is clean after the rollback\n${log.join("").slice(-3000)}`);
      await world.operator("config:set", "--no-restart", APP, "APP_ENV=edited-by-hand");
      assert.deepEqual(await drift.run(["staging"]), [{ stack: "staging", outcome: "drifted", issue: "opened" }], `the edit is drift\n${log.join("").slice(-3000)}`);
      const issues = [...github.state.issues.values()].filter((i) => i.title === "Drift in stack staging");
      assert.equal(issues.length, 1, "one drift issue for staging");
      const issue = issues[0]!;
      assert.deepEqual([issue.state, issue.author, issue.labels], ["open", "github-actions[bot]", ["drift"]]);
      assert.match(issue.body, /on \*\*staging\*\* found 1 drifted resource\(s\)/, issue.body);
      assert.match(issue.body, /^### `[^`]+` \(update\)\n`urn:pulumi:staging::[^`]*restant-runtime-app`/m, `the issue names the app: ${issue.body}`);
      // The app's config is a secret output: the field is named, its values are not shown.
      assert.match(issue.body, /^- `config`: server has `\[secret\]`, program declares `\[secret\]`$/m, `the issue names the field: ${issue.body}`);
      return `deploy ${GOOD.slice(0, 4)} verified; ${BAD.slice(0, 4)} failed its check and rolled back; Dokku runs ${running()?.slice(0, 4)}; ${deployments.length} GitHub deployments; history of ${history.length}; drift check clean, then a hand edit opened "${issue.title}" naming config`;
    } finally {
      await pushes.stop();
    }
  },
};

/** Every variable lifecycle.yml's script step hands the script. */
function scriptStepEnv(): string[] {
  const workflow = parseYaml(readFileSync(path.join(projectRoot, ".github", "workflows", "lifecycle.yml"), "utf8")) as {
    jobs: Record<string, { steps: Array<{ name?: string; env?: Record<string, string> }> }>;
  };
  const step = workflow.jobs.ungated!.steps.find((s) => s.name?.startsWith("Run scripts/"));
  return Object.keys(step?.env ?? {});
}
