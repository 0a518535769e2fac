import { spawnSync } from "node:child_process";
import { rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { builtScript, projectRoot } from "../../support/built";

/** `npm run plan -- …` minus npm's own start-up: from the tsc output, or through ts-node exactly as README says. */
function planCommand(...args: string[]) {
  return runPlan([builtScript("scripts/plan.ts"), ...args]);
}

function planCommandAsReadmeSays(...args: string[]) {
  return runPlan(["-r", "ts-node/register/transpile-only", "scripts/plan.ts", ...args]);
}

function runPlan(nodeArgs: string[]) {
  const run = spawnSync(process.execPath, nodeArgs, { cwd: projectRoot, encoding: "utf8", env: { ...process.env, PULUMI_CONFIG_PASSPHRASE: "" } });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe("npm run plan", () => {
  it("prints a preview's JSON plan with names derived once and secrets masked", () => {
    const run = planCommandAsReadmeSays("pr-7", "--branch", "feat/Ünïcode;$(rm${IFS}-rf${IFS}/)", "--json");
    expect(run.code).toBe(0);
    // The shipped example values plan with a warning each (stderr, so the JSON on stdout stays parseable), nothing else.
    const stderrLines = run.stderr.split("\n").filter((line) => line !== "");
    expect(stderrLines.length).toBeGreaterThan(0);
    for (const line of stderrLines) expect(line).toMatch(/^warning: restant:\S+ is still the example value .* in Pulumi\.yaml with yours/);
    expect(run.stderr).toContain("restant:zone is still the example value");
    const plan = JSON.parse(run.stdout) as {
      stack: string;
      spec: { names: { slug: string; app: string } };
      resources: { type: string; name: string; parent: string | null; inputs: Record<string, unknown> }[];
      outputs: Record<string, unknown>;
    };
    expect(plan.stack).toBe("pr-7");
    expect(plan.spec.names).toMatchObject({ slug: "pr-7", app: "restant-pr-7" });
    expect(plan.outputs).toMatchObject({ appKey: "[secret]", basicAuthPassword: "[secret]" });
    expect(plan.outputs).not.toHaveProperty("databasePassword"); // dokku-mysql makes the user's password
    expect(plan.resources.find((r) => r.type === "cloudflare:index/dnsRecord:DnsRecord")).toMatchObject({
      parent: "restant-dns",
      inputs: { name: "restant-pr-7.example.com" },
    });
    expect(run.stdout).not.toMatch(/base64:[A-Za-z0-9+/]{20,}/);
  });

  it("plans the stack CI makes for a long-lived branch", () => {
    const run = planCommand("--branch", "Feature/Checkout-V2");
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^stack feature-checkout-v2-[0-9a-f]{8} \(branch\)/);
    expect(run.stdout).toContain("restant.feature-checkout-v2-");
  });

  it("says which outputs only a real up can tell, never printing undefined", () => {
    const run = planCommand("staging");
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^ {2}databaseSource +\(known after up\)$/m);
    expect(run.stdout).not.toMatch(/\bundefined\b/);
  });

  it("exits 2 with the schema's messages naming key and file for a bad stack file", () => {
    const stack = `test-bad-${process.pid}`;
    const file = path.join(projectRoot, "stacks", `Pulumi.${stack}.yaml`);
    writeFileSync(file, "config:\n  restant:kind: staging\n  restant:zoneId: nope\n  restant:pr: 3\n");
    try {
      const run = planCommand(stack);
      expect(run.code).toBe(2);
      expect(run.stdout).toBe("");
      expect(run.stderr).toContain(`stacks/Pulumi.${stack}.yaml`);
      expect(run.stderr).toMatch(/restant:zoneId: must be the Cloudflare zone id/);
    } finally {
      rmSync(file);
    }
  });

  it("exits 2 naming restant:branch for a branch git would refuse, never with a stack trace", () => {
    for (const args of [["--branch", "--", "-n"], ["--branch=-n"], ["pr-7", "--branch", "refs/pull/8/head"], ["pr-7", "--branch", "a..b"], ["production", "--branch=--build"]]) {
      const run = planCommand(...args);
      expect(run.code, args.join(" ")).toBe(2);
      expect(run.stdout, args.join(" ")).toBe("");
      expect(run.stderr, args.join(" ")).toMatch(/restant:branch: must/);
      expect(run.stderr, args.join(" ")).not.toMatch(/\n\s+at /);
    }
  });

  it("exits 64 with the reason when --branch is given no name", () => {
    const run = planCommand("--branch", "--help");
    expect(run.code).toBe(64);
    expect(run.stderr).toMatch(/--branch.*ambiguous/);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it("exits 64 with usage for a bad command line", () => {
    expect(planCommand("pr-7").code).toBe(64);
    expect(planCommand("no-such-stack").stderr).toMatch(/no stack file stacks\/Pulumi\.no-such-stack\.yaml/);
    expect(planCommand("--nope").code).toBe(64);
  });
});
