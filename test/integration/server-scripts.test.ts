import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { plan, type PlanResult, resourcesOfType } from "../support/evaluate";

/** Everything the program runs in a shell on the server: every root command's text and stdin, and the scripts they install. */
interface ShellText {
  where: string;
  text: string;
}

const COMMAND = "command:remote:Command";
const EMBEDDED = /<<'RESTANT_(?:SCRIPT|CRON)'\n([\s\S]*?)\nRESTANT_(SCRIPT|CRON)\n/g;

function shellTexts(result: PlanResult): ShellText[] {
  const texts: ShellText[] = [];
  for (const command of resourcesOfType(result, COMMAND)) {
    const connection = command.revealedInputs.connection as { user?: string };
    if (connection.user !== "root") continue; // Dokku's forced command splits like xargs: no shell runs it.
    for (const field of ["create", "delete", "stdin"] as const) {
      const text = command.revealedInputs[field];
      if (typeof text !== "string") continue;
      const where = `${result.stack} ${command.name}.${field}`;
      texts.push({ where, text: text.startsWith("#!") ? text : `#!/bin/sh\n${text}\n` });
      for (const [, body, kind] of text.matchAll(EMBEDDED)) if (kind === "SCRIPT") texts.push({ where: `${where} (installed script)`, text: `${body}\n` });
    }
  }
  return texts;
}

let dir: string;
const all: ShellText[] = [];

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), "server-scripts-"));
  const tls = { "restant:tls": JSON.stringify({ email: "ops@example.com", previews: "wildcard" }) };
  const root = { "restant:dokku": JSON.stringify({ ...EXAMPLE_DOKKU, user: "root" }) };
  const platform = await plan({ stack: "platform" }, tls);
  const preview = await plan({ stack: "pr-7", branch: "x" }, tls);
  const production = await plan({ stack: "production" }, root);
  for (const result of [platform, preview, production]) all.push(...shellTexts(result));
  // With user root every dokku command goes through a shell too.
  for (const command of resourcesOfType(production, COMMAND)) {
    all.push({ where: `production(root) ${command.name}.create`, text: `#!/bin/sh\n${String(command.revealedInputs.create)}\n` });
  }
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The example server of Pulumi.yaml, as the stacks use it. */
const EXAMPLE_DOKKU = {
  host: "dokku.example.com",
  port: 22,
  hostKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIExampleExampleExampleExampleExampleExample0",
  ipv4: "203.0.113.10",
};

describe("every shell script the program generates", () => {
  it("covers the snapshot refresh, the wildcard certificate, their cron installs and the root-shell deploy", () => {
    const wheres = all.map((t) => t.where).join("\n");
    expect(wheres).toContain("restant-dokku-snapshot-refresh.stdin (installed script)");
    expect(wheres).toContain("restant-dokku-wildcard-certificate.stdin (installed script)");
    expect(wheres).toContain("pr-7 restant-runtime-tls.create");
    expect(wheres).toContain("production(root) restant-runtime-deploy.create");
    expect(all.length).toBeGreaterThanOrEqual(10);
  });

  it("passes shellcheck", () => {
    const failures: string[] = [];
    all.forEach((script, index) => {
      const file = path.join(dir, `script-${index}.sh`);
      writeFileSync(file, script.text);
      try {
        execFileSync("shellcheck", ["--shell=sh", "--severity=style", file], { encoding: "utf8", stdio: "pipe" });
      } catch (error) {
        failures.push(`${script.where}:\n${(error as { stdout?: string }).stdout ?? String(error)}`);
      }
    });
    expect(failures.join("\n\n")).toBe("");
  });

  it("proves shellcheck is strict enough to fail a bad script", () => {
    const file = path.join(dir, "bad.sh");
    writeFileSync(file, '#!/bin/sh\nrm -rf $1/*\n');
    expect(() => execFileSync("shellcheck", ["--shell=sh", file], { stdio: "pipe" })).toThrow();
  });
});
