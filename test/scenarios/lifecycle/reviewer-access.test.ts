import { describe, expect, it } from "vitest";
import { Scenario, scenarioPerTest, SHA_A, SHA_B } from "./harness";

const TEAM_PASSWORD = "team-Preview-Pass-2026-q4";
const ROTATED = "team-Preview-Pass-2027-q1";

/**
 * Reviewers get into previews: the team's preview password (the RESTANT_PREVIEW_PASSWORD secret) goes from the preview
 * script to the stack's config as a Pulumi secret, through the real program to the preview's basic auth; the PR
 * comment says the user and where the password is kept, never the password; a failed preview names the resource
 * that failed and shows its log's last lines with the secrets masked.
 */
describe("reviewers and previews", () => {
  let s: Scenario;
  scenarioPerTest((scenario) => {
    s = scenario;
    s.github.setRole("writer", "write");
    s.configure({ RESTANT_PREVIEW_PASSWORD: TEAM_PASSWORD });
  });

  const basicAuth = (stack: string) => s.pulumi.declared(stack)!.resources.find((r) => r.type === "pulumi-nodejs:dynamic/dokku:HttpAuth")!;

  it("puts every preview behind the team's password, rotatable, and tells reviewers where it is kept", async () => {
    const pr = s.github.state.openPullRequest({ author: "writer", headRef: "feature/menu", headSha: SHA_A });
    expect((await s.run(s.comment(pr, "writer", "/preview"))).outcome).toBe("deployed");

    // The stack holds it as a secret; the program gives it to basic auth, secret, instead of a generated password.
    const stackFile = s.pulumi.stackConfig(`pr-${pr}`)!;
    expect(stackFile).toMatch(/restant:previewPassword:\n\s+secure: v1:/);
    expect(stackFile).not.toContain(TEAM_PASSWORD);
    expect(basicAuth(`pr-${pr}`)).toMatchObject({ inputs: { user: "restant", password: TEAM_PASSWORD }, secretPaths: expect.arrayContaining(["password"]) });
    expect(s.pulumi.declared(`pr-${pr}`)!.resources.some((r) => r.name === "restant-secrets-basic-auth-password")).toBe(false);

    const { body, status } = s.status(pr);
    expect(status?.access).toEqual({ user: "restant", passwordKeptIn: expect.stringContaining("RESTANT_PREVIEW_PASSWORD") });
    expect(body).toContain("| Sign in | user `restant`, password: the team's preview password (the `RESTANT_PREVIEW_PASSWORD` secret");
    expect(body).not.toContain(TEAM_PASSWORD);

    // Rotation: the team changes the secret; the next deploy of the preview uses the new one.
    s.configure({ RESTANT_PREVIEW_PASSWORD: ROTATED });
    s.github.state.push(pr, SHA_B);
    expect((await s.run({ kind: "update", pr, actor: "writer", trigger: "push", sha: SHA_B })).outcome).toBe("deployed");
    expect(basicAuth(`pr-${pr}`).inputs.password).toBe(ROTATED);
    expect(s.status(pr).body).not.toContain(ROTATED);
  });

  it("without a team password, says where the preview's own password is kept", async () => {
    s.configure({});
    const pr = s.github.state.openPullRequest({ author: "writer", headRef: "feature/own", headSha: SHA_A });
    expect((await s.run(s.comment(pr, "writer", "/preview"))).outcome).toBe("deployed");
    expect(s.pulumi.declared(`pr-${pr}`)!.resources.some((r) => r.name === "restant-secrets-basic-auth-password")).toBe(true);
    expect(s.status(pr).body).toContain(`password: this preview's own, for those with access to the state: \`pulumi stack output basicAuthPassword --show-secrets -s pr-${pr}\``);
  });

  it("names the resource a failed preview failed on and shows the end of its log, secrets masked", async () => {
    const pr = s.github.state.openPullRequest({ author: "writer", headRef: "feature/broken", headSha: SHA_A });
    const world = s.pulumi.world();
    s.pulumi.setWorld({
      ...world,
      stacks: {
        [`pr-${pr}`]: {
          failUp: 1,
          failingResource: "restant-runtime-deploy",
          failUpLog: [
            "-----> Installing dependencies with composer",
            `remote: DB_PASSWORD=${TEAM_PASSWORD} php artisan migrate --force`,
            "remote: SQLSTATE[HY000] [2002] Connection refused",
          ],
        },
      },
    });
    expect((await s.run(s.comment(pr, "writer", "/preview"))).outcome).toBe("failed");
    const { body, status } = s.status(pr);
    expect(status).toMatchObject({ state: "failed", failedStep: "pulumi up", failedResource: "restant-runtime-deploy" });
    expect(body).toContain("| Failed resource | `restant-runtime-deploy` |");
    expect(body).toContain("<summary>The last lines of its log (secrets redacted)</summary>");
    expect(body).toContain("remote: SQLSTATE[HY000] [2002] Connection refused");
    expect(body).toContain("remote: DB_PASSWORD=[secret] php artisan migrate --force");
    expect(body).toContain("creating restant-runtime-deploy: ssh: connect to host");
    expect(body).not.toContain(TEAM_PASSWORD);
  });
});
