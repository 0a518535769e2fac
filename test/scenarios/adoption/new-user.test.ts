import { readFileSync, rmSync } from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { projectRoot } from "../../support/built";
import { copyProject, type ProjectCopy } from "../../support/project-copy";

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
  const documented = rows(readFileSync(path.join(projectRoot, "docs", "app-contract.md"), "utf8"));

  beforeAll(() => {
    project = copyProject();
    project.editYaml("Pulumi.yaml", (doc) => {
      const config = doc.config!;
      config["restant:zone"] = { value: "restant.app" };
      config["restant:zoneId"] = { value: "5f0c7a3b9e2d41c68a7b3c2d1e0f9a8b" };
      config["restant:gitRepository"] = { value: "git@github.com:restant-hq/restant.git" };
      config["restant:dokku"] = {
        value: { host: "dokku.restant.app", port: 22, user: "dokku", hostKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGp0dBd1Zr3nQk7hJd8w2qXv9Ls4Tn6Yc1Rb5Ue0Wa3K", ipv4: "95.216.10.20" },
      };
      config["restant:flagsmith"] = { value: { project: 4, apiUrl: "https://flags.restant.app/api/v1/" } };
      const grafana = (config["restant:grafana"] as { value: Record<string, unknown> }).value;
      config["restant:grafana"] = { value: { ...grafana, oncallEmails: ["oncall@restant.app"], notifyEmails: ["dev@restant.app"] } };
    });
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
});
