import { beforeAll, describe, expect, it } from "vitest";
import { plan, type PlanResult, resourcesOfType, secretValues } from "../support/evaluate";

const RULES = "grafana:alerting/ruleGroup:RuleGroup";
const CHECK = "grafana:syntheticMonitoring/check:Check";
const GITHUB_ENV = "github:index/repositoryEnvironment:RepositoryEnvironment";

interface Rule {
  name: string;
  labels: Record<string, string>;
  notificationSettings: { contactPoint: string };
  datas: { model: string }[];
}

describe("Sentry, Grafana and GitHub per environment", () => {
  const r: Record<string, PlanResult> = {};
  beforeAll(async () => {
    r.production = await plan({ stack: "production" });
    r.staging = await plan({ stack: "staging" });
    r.preview = await plan({ stack: "pr-7", branch: "feat/x" });
    r.platform = await plan({ stack: "platform" });
  });

  it("gives each environment a Sentry key named after it, its DSN secret wherever it flows", () => {
    for (const result of [r.production!, r.staging!, r.preview!]) {
      const [key] = resourcesOfType(result, "sentry:index/sentryKey:SentryKey");
      expect(key!.inputs).toMatchObject({ organization: "restant", project: "restant-app", name: `restant-${result.spec.kind === "platform" ? "" : result.spec.names.slug}` });
      expect(key!.options.additionalSecretOutputs).toContain("dsnPublic");
      expect(result.outputs.sentryDsn).toMatchObject({ secret: true });
      expect(String(result.outputs.sentryDsn!.value)).toMatch(/^https:\/\/[0-9a-f]{32}@/);
      const plain = JSON.stringify([Object.values(result.outputs).filter((o) => !o.secret), result.resources.map((x) => x.inputs)]);
      expect(plain).not.toContain(String(result.outputs.sentryDsn!.value));
    }
  });

  it("hands the app its settings in its config and its DSN and Flagsmith server key in a step of their own, all secret", () => {
    for (const result of [r.production!, r.staging!, r.preview!]) {
      const [app] = resourcesOfType(result, "pulumi-nodejs:dynamic/dokku:App");
      const [late] = resourcesOfType(result, "pulumi-nodejs:dynamic/dokku:AppVariables");
      const variables = late!.revealedInputs.variables as Record<string, string>;
      const config = { ...(app!.revealedInputs.config as Record<string, string>), ...variables };
      const slug = result.spec.kind === "platform" ? "" : result.spec.names.slug;
      expect(late!.inputs.app).toBe(app!.inputs.appName);
      expect(Object.keys(variables).sort()).toEqual(["FLAGSMITH_ENVIRONMENT_KEY", "SENTRY_LARAVEL_DSN"]);
      expect(config.SENTRY_LARAVEL_DSN).toBe(result.outputs.sentryDsn!.value);
      expect(config).toMatchObject({ SENTRY_ENVIRONMENT: slug, FLAGSMITH_API_URL: "https://flags.example.com/api/v1/" });
      expect(config.FLAGSMITH_ENVIRONMENT_KEY).toMatch(/^ser\./);
      expect(app!.secretPaths).toContain("config");
      expect(late!.secretPaths).toContain("variables");
      const masked = JSON.stringify(result.resources.map((x) => x.inputs));
      for (const secret of [config.SENTRY_LARAVEL_DSN!, config.FLAGSMITH_ENVIRONMENT_KEY!, config.APP_KEY!]) expect(masked).not.toContain(secret);
    }
    const sampleRate = (result: PlanResult) =>
      (resourcesOfType(result, "pulumi-nodejs:dynamic/dokku:App")[0]!.revealedInputs.config as Record<string, string>).SENTRY_TRACES_SAMPLE_RATE;
    expect([sampleRate(r.production!), sampleRate(r.staging!), sampleRate(r.preview!)]).toEqual(["0.1", "0.5", "1"]);
  });

  it("starts a preview's Flagsmith environment from staging's; others start empty", () => {
    const env = (result: PlanResult) => resourcesOfType(result, "pulumi-nodejs:dynamic/flagsmith:Environment")[0]!.inputs;
    expect(env(r.preview!)).toMatchObject({ name: "pr-7", cloneFrom: "staging", project: 1 });
    expect(env(r.staging!)).toMatchObject({ name: "staging" });
    expect(env(r.staging!).cloneFrom).toBeUndefined();
    expect(resourcesOfType(r.preview!, "pulumi-nodejs:dynamic/flagsmith:ServerKey")[0]!.options.additionalSecretOutputs).toContain("key");
  });

  it("gives both Flagsmith resources the API's URL from restant:flagsmith.apiUrl, the URL the app reads flags from", () => {
    for (const result of [r.production!, r.staging!, r.preview!]) {
      const apiUrl = result.spec.kind === "platform" ? undefined : result.spec.flagsmith?.apiUrl;
      expect(apiUrl).toBe("https://flags.example.com/api/v1/");
      for (const type of ["pulumi-nodejs:dynamic/flagsmith:Environment", "pulumi-nodejs:dynamic/flagsmith:ServerKey"]) {
        expect(resourcesOfType(result, type)[0]!.inputs, type).toMatchObject({ apiUrl, version: 2 });
      }
      const app = resourcesOfType(result, "pulumi-nodejs:dynamic/dokku:App")[0]!;
      expect((app.revealedInputs.config as Record<string, string>).FLAGSMITH_API_URL).toBe(apiUrl);
    }
  });

  it("labels alert rules with the slug, uses the configured queries, and pages only for production", () => {
    const rulesOf = (result: PlanResult) => resourcesOfType(result, RULES)[0]!.inputs.rules as Rule[];
    for (const [result, slug, contact, severity] of [
      [r.production!, "main", "restant-oncall", "page"],
      [r.staging!, "staging", "restant-notify", "notify"],
      [r.preview!, "pr-7", "restant-notify", "notify"],
    ] as const) {
      const rules = rulesOf(result);
      expect(rules.map((x) => x.name)).toEqual([`restant-${slug} /up failing`, `restant-${slug} 5xx rate`]);
      for (const rule of rules) {
        expect(rule.labels).toMatchObject({ environment: slug, severity });
        expect(rule.notificationSettings.contactPoint).toBe(contact);
      }
      expect(rules[0]!.datas[0]!.model).toContain(`job=\\"restant-${slug}-health\\"`);
      expect(rules[1]!.datas[0]!.model).toContain(`app=\\"restant-${slug}\\"`);
      expect(JSON.parse(rules[1]!.datas[1]!.model).conditions[0].evaluator).toEqual({ type: "gt", params: [0.05] });
    }
  });

  it("takes the 5xx query and threshold from config, overridable per stack", async () => {
    const grafana = { folderUid: "f", datasourceUid: "d", probes: [3], errorRateQuery: 'errors{svc="{app}"}', errorRateThreshold: 0.2 };
    const result = await plan({ stack: "staging" }, { "restant:grafana": JSON.stringify(grafana) });
    const rules = resourcesOfType(result, RULES)[0]!.inputs.rules as Rule[];
    expect(rules[1]!.datas[0]!.model).toContain('errors{svc=\\"restant-staging\\"}');
    expect(JSON.parse(rules[1]!.datas[1]!.model).conditions[0].evaluator.params).toEqual([0.2]);
  });

  it("checks the health path (/up) synthetically, with the preview's basic-auth password as a secret", () => {
    expect(resourcesOfType(r.production!, CHECK)[0]!.inputs).toMatchObject({ target: "https://restant.main.example.com/up" });
    const [previewCheck] = resourcesOfType(r.preview!, CHECK);
    expect(previewCheck!.secretPaths).toContain("settings.http.basicAuth.password");
    const password = r.preview!.outputs.basicAuthPassword!.value as string;
    expect(secretValues(r.preview!)).toContain(password);
    expect(JSON.stringify(previewCheck!.inputs)).not.toContain(password);
  });

  it("makes a GitHub environment per stack, with reviewers and a main-only policy on production only", () => {
    const envOf = (result: PlanResult) => resourcesOfType(result, GITHUB_ENV)[0]!.inputs;
    expect(envOf(r.production!)).toMatchObject({ environment: "production", reviewers: [{ teams: [1], users: [] }] });
    expect(resourcesOfType(r.production!, "github:index/repositoryEnvironmentDeploymentPolicy:RepositoryEnvironmentDeploymentPolicy")[0]!.inputs)
      .toMatchObject({ branchPattern: "main" });
    for (const result of [r.staging!, r.preview!]) {
      expect(envOf(result).reviewers).toBeUndefined();
      expect(resourcesOfType(result, "github:index/repositoryEnvironmentDeploymentPolicy:RepositoryEnvironmentDeploymentPolicy")).toEqual([]);
    }
    expect(envOf(r.preview!).environment).toBe("pr-7");
  });

  it("declares the Grafana folder and both contact points in the platform stack only", () => {
    expect(resourcesOfType(r.platform!, "grafana:oss/folder:Folder")[0]!.inputs).toMatchObject({ uid: "restant-environments" });
    expect(resourcesOfType(r.platform!, "grafana:alerting/contactPoint:ContactPoint").map((c) => c.inputs.name)).toEqual([
      "restant-oncall",
      "restant-notify",
    ]);
    expect(resourcesOfType(r.production!, "grafana:oss/folder:Folder")).toEqual([]);
  });
});
