import { spawnSync } from "node:child_process";
import { rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import type { InjectedResource } from "../../support/plan-injection";
import { builtScript, projectRoot } from "../../support/built";

/** `npm run plan -- …` from its tsc output (README runs the same code through ts-node), with the test-only injection
 * preloaded (test/support/plan-injection.ts). */
function brokenPlan(args: string[], breakage: { specPatch?: object; inject?: InjectedResource[] }) {
  const run = spawnSync(
    process.execPath,
    ["-r", builtScript("test/support/plan-injection.ts"), builtScript("scripts/plan.ts"), ...args],
    {
      cwd: projectRoot,
      encoding: "utf8",
      env: {
        ...process.env,
        ...(breakage.specPatch ? { RESTANT_TEST_SPEC_PATCH: JSON.stringify(breakage.specPatch) } : {}),
        ...(breakage.inject ? { RESTANT_TEST_INJECT: JSON.stringify(breakage.inject) } : {}),
      },
    },
  );
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

const PREVIEW = ["pr-7", "--branch", "feat/x"];

describe("npm run plan refuses a broken stack with the policy's message (exit 3)", () => {
  it.each([
    [
      "production-data-protected (injected resource: a production database without protect)",
      ["production"],
      { inject: [{ type: "pulumi-nodejs:dynamic/dokku:MysqlService", name: "restant-db", inputs: { service: "restant-main" } }] },
      /production database .* lacks protect and retainOnDelete/,
    ],
    [
      "previews-isolated (component option: a preview spec carrying production's app name)",
      PREVIEW,
      { specPatch: { names: { app: "restant-main" } } },
      /preview resource .* uses production's app\/mysqlService\/redisService "restant-main"/,
    ],
    [
      "dns-proxy-depth (component option: a proxied hostname two labels deep, which config refuses)",
      PREVIEW,
      { specPatch: { hostname: "restant.pr-7.example.com", dns: { proxied: true } } },
      /proxied DNS record "restant\.pr-7\.example\.com" is 2 labels below example\.com/,
    ],
    [
      "remote-commands-safe (injected resource: a command with a secret in its text)",
      ["staging"],
      {
        inject: [
          {
            type: "command:remote:Command",
            name: "restant-import",
            inputs: { connection: { host: "h", hostKey: "ssh-ed25519 AAAA" }, addPreviousOutputInEnv: false, create: "import --token=tok-7f3a9e1c" },
            secret: ["create"],
          },
        ],
      },
      /remote command "restant-import" has a secret in its create text/,
    ],
    [
      "secrets-are-secret (injected resource: an app with a plain APP_KEY)",
      ["staging"],
      {
        inject: [
          {
            type: "pulumi-nodejs:dynamic/dokku:App",
            name: "restant-app",
            inputs: { appName: "restant-staging", domains: ["restant.staging.example.com"], config: { APP_KEY: "base64:plain" } },
          },
        ],
      },
      /app "restant-app" sets config APP_KEY as plain text/,
    ],
    [
      "previews-protected (component option: a preview spec with basic auth off)",
      PREVIEW,
      { specPatch: { basicAuth: false } },
      /preview "pr-7" has basicAuth off/,
    ],
    [
      "names-follow-spec (injected resource: a DNS record under another name)",
      ["staging"],
      { inject: [{ type: "cloudflare:index/dnsRecord:DnsRecord", name: "restant-extra", inputs: { name: "staging.example.com", zoneId: "z" } }] },
      /hostname of .* is "staging\.example\.com" \(input name\), not the spec's "restant\.staging\.example\.com"/,
    ],
  ] satisfies [string, string[], { specPatch?: object; inject?: InjectedResource[] }, RegExp][])("%s", (policy, args, breakage, message) => {
    const run = brokenPlan(args, breakage);
    expect(run.code, run.stderr).toBe(3);
    const name = policy.split(" ")[0];
    expect(run.stderr).toMatch(new RegExp(`policy ${name} \\(mandatory\\): `));
    expect(run.stderr).toMatch(message);
    expect(run.stdout).toContain(`[mandatory] ${name}`);
    expect(run.stdout + run.stderr).not.toContain("tok-7f3a9e1c");
  });

  it("previews-isolated (stack config: a preview whose snapshot service is production's database)", () => {
    const pr = 90_000 + (process.pid % 10_000);
    const file = path.join(projectRoot, "stacks", `Pulumi.pr-${pr}.yaml`);
    writeFileSync(
      file,
      `config:\n  restant:kind: preview\n  restant:pr: ${pr}\n  restant:branch: feat/x\n  restant:database:\n    snapshotService: restant-main\n`,
    );
    try {
      const run = brokenPlan([`pr-${pr}`, "--branch", "feat/x"], {});
      expect(run.code, run.stderr).toBe(3);
      expect(run.stderr).toMatch(/policy previews-isolated \(mandatory\): preview resource pulumi-nodejs:dynamic\/dokku:MysqlService .* uses production's app\/mysqlService\/redisService "restant-main" at cloneFrom/);
    } finally {
      rmSync(file);
    }
  });

  it("includes the violations in --json", () => {
    const run = brokenPlan([...PREVIEW, "--json"], { specPatch: { basicAuth: false } });
    expect(run.code).toBe(3);
    const plan = JSON.parse(run.stdout) as { policyViolations: { policy: string; enforcementLevel: string; resource: string | null }[] };
    expect(plan.policyViolations).toContainEqual(
      expect.objectContaining({ policy: "previews-protected", enforcementLevel: "mandatory", resource: "restant" }),
    );
  });

  it("plans production with no violations and exit 0", () => {
    const run = brokenPlan(["production"], {});
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/policies: no violations$/m);
  });
});
