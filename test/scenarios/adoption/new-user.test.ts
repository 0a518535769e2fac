import { readFileSync, rmSync } from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { projectRoot } from "../../support/built";
import { copyProject, type ProjectCopy } from "../../support/project-copy";
import { tableIn } from "../../../scripts/contract/app-environment";
import { withTeamValues } from "../../support/team-values";

/** `| \`NAME\` | set by | value |` rows of a contract table: name → set by. */
function rows(table: string): Map<string, { setBy: string; value: string }> {
  const found = new Map<string, { setBy: string; value: string }>();
  for (const match of table.matchAll(/^\| `([A-Z0-9_]+)` \| ([^|]+) \| (.*) \|$/gm)) found.set(match[1]!, { setBy: match[2]!.trim(), value: match[3]!.trim() });
  return found;
}

/**
 * The path of the team that runs Restant today: a fresh clone, their values in Pulumi.yaml and the stack files (one
 * secret among the app's own variables), `npm run plan` for every stack, and the environment their app would receive
 * held against docs/app-contract.md.
 */
describe("a new user's first hour", () => {
  let project: ProjectCopy;
  const document = readFileSync(path.join(projectRoot, "docs", "app-contract.md"), "utf8");
  const documented = rows(tableIn(document, "app-environment") ?? "");
  const documentedOnForge = rows(tableIn(document, "app-environment-forge") ?? "");

  beforeAll(() => {
    project = copyProject();
    project.editYaml("Pulumi.yaml", (doc) => withTeamValues(doc.config!));
    project.editYaml("stacks/Pulumi.production.yaml", (doc) => {
      // `pulumi config set --path restant:app.env.MAIL_MAILER smtp` and `… --secret … MAIL_PASSWORD`, as the file then holds them.
      doc.config!["restant:app"] = { ...(doc.config!["restant:app"] as object), env: { MAIL_MAILER: "smtp", MAIL_PASSWORD: { secure: "v1:bm9uY2U=:Y2lwaGVydGV4dA==" } } };
    });
    project.editYaml("stacks/Pulumi.platform.yaml", (doc) => {
      doc.config!["restant:tls"] = { email: "ops@restant.app" };
    });
  });

  afterAll(() => {
    if (project) rmSync(project.dir, { recursive: true, force: true });
  });

  it("plans every stack with their values", () => {
    for (const args of [["platform"], ["production"], ["staging"], ["pr-7", "--branch", "feature/menu"]]) {
      const result = project.run("plan", [...args, "--json"]);
      expect(result.code, `${args.join(" ")}: ${result.stderr}`).toBe(0);
      const plan = JSON.parse(result.stdout) as { outputs: Record<string, unknown> };
      if (args[0] !== "platform") expect(String(plan.outputs.url)).toMatch(/\.restant\.app$/);
    }
  });

  it("gives the app the environment docs/app-contract.md lists, from the sources it lists, and their own variables", () => {
    for (const stack of ["staging", "production"]) {
      const result = project.run("contract", [stack]);
      const received = rows(result.stdout);
      expect(received.size, result.stderr).toBeGreaterThan(10);
      for (const [name, { setBy }] of documented) expect(received.get(name)?.setBy, `${stack} ${name}`).toBe(setBy);
      const extra = [...received.keys()].filter((name) => !documented.has(name));
      expect(extra.sort(), stack).toEqual(stack === "production" ? ["MAIL_MAILER", "MAIL_PASSWORD"] : []);
      expect(received.get("APP_URL")!.value).toBe(stack === "production" ? "https://restant.main.restant.app" : "https://restant.staging.restant.app");
    }
    const production = rows(project.run("contract", ["production"]).stdout);
    expect(production.get("MAIL_MAILER")).toEqual({ setBy: "restant:app.env", value: "[secret]" });
    expect(production.get("MAIL_PASSWORD")).toEqual({ setBy: "restant:app.env", value: "[secret]" });
    expect(production.get("DB_URL")).toEqual(documented.get("DB_URL"));
  });

  it("gives the app on Forge the environment docs/app-contract.md lists for Forge, when staging moves there", () => {
    project.editYaml("stacks/Pulumi.staging.yaml", (doc) => {
      doc.config!["restant:runtime"] = "forge";
      doc.config!["restant:forge"] = { organization: "restant-hq", serverId: 812, ipv4: "95.216.10.21" };
    });
    const result = project.run("contract", ["staging"]);
    expect(result.code, result.stderr).toBe(0);
    const received = rows(result.stdout);
    expect(documentedOnForge.size).toBeGreaterThan(10);
    expect([...received.keys()].sort()).toEqual([...documentedOnForge.keys()].sort());
    for (const [name, { setBy }] of documentedOnForge) expect(received.get(name)?.setBy, name).toBe(setBy);
    expect(received.get("DB_HOST")).toEqual({ setBy: "database user", value: "127.0.0.1" });
    expect(received.get("APP_URL")!.value).toBe("https://restant.staging.restant.app");
  });
});

/**
 * The shipped example values: a fresh clone plans with them (README's first command) and is told, key by key and file
 * by file, what to replace; a misspelt namespace is refused naming the key and its file.
 */
describe("a fresh clone's example values and typos", () => {
  let project: ProjectCopy;
  beforeAll(() => {
    project = copyProject();
  });
  afterAll(() => {
    if (project) rmSync(project.dir, { recursive: true, force: true });
  });

  it("plans the shipped values with a warning naming each example value and Pulumi.yaml", () => {
    const result = project.run("plan", ["staging"]);
    expect(result.code, result.stderr).toBe(0);
    const warnings = result.stderr.split("\n").filter((line) => line.startsWith("warning: "));
    for (const key of ["restant:zone", "restant:zoneId", "restant:gitRepository", "restant:dokku.host", "restant:dokku.hostKey", "restant:dokku.ipv4", "restant:flagsmith.apiUrl"]) {
      expect(warnings.filter((w) => w.startsWith(`warning: ${key} `)), key).toEqual([
        expect.stringMatching(new RegExp(`replace the example value of ${key.replace(/\./g, "\\.")} in Pulumi\\.yaml with yours; a real pulumi preview or up refuses it$`)),
      ]);
    }
  });

  it("refuses a misspelt namespace in a stack file, naming the key, the file and the key meant", () => {
    project.editYaml("Pulumi.yaml", (doc) => withTeamValues(doc.config!));
    project.editYaml("stacks/Pulumi.staging.yaml", (doc) => {
      doc.config!["restnt:branch"] = "hotfix";
    });
    const result = project.run("plan", ["staging"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/- restnt:branch: "restnt" is not this program's namespace, so the key would be ignored; write restant:branch/);
    expect(result.stderr).toContain("(stacks/Pulumi.staging.yaml)");
  });

  it("names Pulumi.yaml for a bad value that lives there, with the team's values no example warning is left", () => {
    project.editYaml("stacks/Pulumi.staging.yaml", (doc) => {
      delete doc.config!["restnt:branch"];
    });
    const clean = project.run("plan", ["staging"]);
    expect(clean.code, clean.stderr).toBe(0);
    expect(clean.stderr).not.toContain("warning:");
    project.editYaml("Pulumi.yaml", (doc) => {
      doc.config!["restant:previewLimit"] = { value: 40 };
    });
    const result = project.run("plan", ["staging"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/- restant:previewLimit: must be at most 15 .* \(in Pulumi\.yaml\)/);
  });
});
