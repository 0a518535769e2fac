import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { installPulumiDouble, type PulumiDoubleWorkspace } from "../../doubles/pulumi-cli/install";
import { PASSPHRASE } from "./harness";

/** The CLI double refuses what the pulumi CLI refuses, with its exit codes and the texts the Automation API parses. */
describe("the pulumi CLI double", () => {
  let pulumi: PulumiDoubleWorkspace;
  const run = (args: string[], env: Record<string, string> = { PULUMI_CONFIG_PASSPHRASE: PASSPHRASE }, cwd?: string) => {
    const result = spawnSync(path.join(pulumi.binDir, "pulumi"), args, {
      cwd: cwd ?? pulumi.workDir,
      env: { PATH: process.env.PATH ?? "", ...env },
      encoding: "utf8",
    });
    return { code: result.status, out: result.stdout, err: result.stderr };
  };

  beforeAll(() => {
    pulumi = installPulumiDouble();
    expect(run(["stack", "init", "pr-1", "--non-interactive"]).code).toBe(0);
  });

  it("runs the real program with the stack's config: without the config a preview needs, the up fails as a program error", () => {
    const failed = run(["up", "--yes", "--skip-preview", "--stack", "pr-1"]);
    expect(failed.code).toBe(255);
    expect(failed.err).toMatch(/restant:kind: is required/);
    expect(run(["stack", "ls", "--json"]).out).not.toMatch(/resourceCount/);
    // What the scripts set for a preview (previewStack's config).
    const config = ["restant:kind=preview", "restant:pr=1", "restant:branch=feature/x", `restant:commit=${"a".repeat(40)}`];
    expect(run(["config", "set-all", "--stack", "pr-1", ...config.flatMap((pair) => ["--plaintext", pair])]).code).toBe(0);
  });

  it("reports a version the Automation API accepts", () => {
    expect(run(["version"]).out.trim()).toMatch(/^v3\.\d+\.\d+$/);
  });

  it("refuses unknown flags, a missing --yes, a missing stack and a bad stack name", () => {
    expect(run(["up", "--stack", "pr-1", "--frobnicate"])).toMatchObject({ code: 2, err: expect.stringContaining("unknown flag: --frobnicate") });
    expect(run(["up", "--stack", "pr-1", "--non-interactive"])).toMatchObject({ code: 2, err: expect.stringContaining("--yes") });
    expect(run(["stack", "select", "--stack", "pr-404"])).toMatchObject({ code: 1, err: expect.stringMatching(/no stack named 'pr-404' found/) });
    expect(run(["stack", "init", "pr 2"])).toMatchObject({ code: 2 });
    expect(run(["stack", "init", "pr-1"])).toMatchObject({ code: 1, err: expect.stringMatching(/stack 'pr-1' already exists/) });
    expect(run(["frob"])).toMatchObject({ code: 2, err: expect.stringContaining('unknown command "frob"') });
  });

  it("refuses a policy pack that is not one, and work without a project or passphrase", () => {
    expect(run(["preview", "--stack", "pr-1", "--policy-pack", "nowhere"])).toMatchObject({ code: 2, err: expect.stringContaining("PulumiPolicy.yaml") });
    expect(run(["up", "--yes", "--stack", "pr-1"], {})).toMatchObject({ code: 2, err: expect.stringContaining("PULUMI_CONFIG_PASSPHRASE") });
    expect(run(["stack", "ls", "--json"], {}, pulumi.binDir)).toMatchObject({ code: 2, err: expect.stringContaining("no Pulumi.yaml") });
  });

  it("masks secret outputs unless --show-secrets, which needs the passphrase", () => {
    expect(run(["up", "--yes", "--skip-preview", "--stack", "pr-1"]).code).toBe(0);
    const masked = JSON.parse(run(["stack", "output", "--json", "--stack", "pr-1"]).out) as Record<string, unknown>;
    expect(masked.appKey).toBe("[secret]");
    const shown = JSON.parse(run(["stack", "output", "--json", "--show-secrets", "--stack", "pr-1"]).out) as Record<string, unknown>;
    expect(String(shown.appKey)).toMatch(/^base64:/);
    expect(run(["stack", "output", "--json", "--show-secrets", "--stack", "pr-1"], {}).code).toBe(2);
    expect(run(["up", "--yes", "--stack", "pr-1"]).out).not.toContain(String(shown.appKey));
  });
});
