import { describe, expect, it } from "vitest";
import { depsFromEnv } from "../../../scripts/lifecycle/cli-runtime";
import { projectRoot } from "../../support/built";

/**
 * The login a script trusts is the login of the token its GitHub client writes with: the drift issue, the breaker's
 * issue and the preview comments are found again by their author, so a login of another token never finds them.
 */
describe("the bot login of a script's GitHub client", () => {
  const ci = { GITHUB_REPOSITORY: "restant/platform", GITHUB_TOKEN: "t", PULUMI_BACKEND_URL: "s3://b", PULUMI_CONFIG_PASSPHRASE: "x", RESTANT_WORK_DIR: projectRoot };
  const platformLayout = { ...ci, RESTANT_APP_REPOSITORY: "restant-hq/restant", RESTANT_APP_GITHUB_TOKEN: "ghp_app", RESTANT_BOT_LOGIN: "restant-previews" };
  const login = (env: Record<string, string>, scope?: "app" | "platform") => depsFromEnv(env, scope).settings.botLogin;

  it("is RESTANT_BOT_LOGIN (default github-actions[bot]) for both scopes in the app-repository layout: one token writes everything", () => {
    expect(login(ci)).toBe("github-actions[bot]");
    expect(login(ci, "platform")).toBe("github-actions[bot]");
    expect(login({ ...ci, RESTANT_BOT_LOGIN: "restant-ci" })).toBe("restant-ci");
    expect(login({ ...ci, RESTANT_BOT_LOGIN: "restant-ci" }, "platform")).toBe("restant-ci");
  });

  it("in the platform layout is the app token's login for the app scope and github-actions[bot] for the platform's own issues", () => {
    expect(login(platformLayout)).toBe("restant-previews");
    expect(login(platformLayout, "app")).toBe("restant-previews");
    expect(login(platformLayout, "platform")).toBe("github-actions[bot]");
  });
});
