import { beforeAll, describe, expect, it } from "vitest";
import { plan, type PlanResult, resourcesOfType } from "../support/evaluate";

const MYSQL = "pulumi-nodejs:dynamic/dokku:MysqlService";
const SLOT = "pulumi-nodejs:dynamic/dokku:RedisSlot";
const HTTP_AUTH = "pulumi-nodejs:dynamic/dokku:HttpAuth";
const LETSENCRYPT = "pulumi-nodejs:dynamic/dokku:LetsEncrypt";
const APP = "pulumi-nodejs:dynamic/dokku:App";
const REDIS = "pulumi-nodejs:dynamic/dokku:RedisService";
const REDIS_LINK = "pulumi-nodejs:dynamic/dokku:RedisLink";
const MYSQL_LINK = "pulumi-nodejs:dynamic/dokku:MysqlLink";
const COMMAND = "command:remote:Command";

const one = (result: PlanResult, type: string, name?: string) => {
  const found = resourcesOfType(result, type).filter((r) => name === undefined || r.name === name);
  expect(found, `${result.stack}: ${type} ${name ?? ""}`).toHaveLength(1);
  return found[0]!;
};

describe("the Dokku runtime's data, slot, auth, deploy and TLS under mocks", () => {
  const results: Record<string, PlanResult> = {};
  const SSH_KEY_MARKER = "PRIVATE-KEY-MARKER-never-in-state";

  beforeAll(async () => {
    process.env.DOKKU_SSH_PRIVATE_KEY = SSH_KEY_MARKER;
    try {
      results.pr7 = await plan({ stack: "pr-7", branch: "x" });
      results.production = await plan({ stack: "production" });
      results.staging = await plan({ stack: "staging" });
      results.platform = await plan({ stack: "platform" });
    } finally {
      delete process.env.DOKKU_SSH_PRIVATE_KEY;
    }
  });

  it("clones the snapshot for a preview and gives production an empty database that nothing can drop", () => {
    const preview = one(results.pr7!, MYSQL);
    // A warm pool member first (claimed for pr-7 on the non-production Redis); restant-pr-7 is the direct clone it falls back to.
    expect(preview.inputs).toMatchObject({
      service: "restant-pr-7",
      cloneFrom: "restant-snapshot",
      pool: { registry: "restant:mysql-pool", redisService: "restant-previews", memberPattern: "^restant-snapshot-pool-[0-9]{14}-[0-9a-f]{4}$", holder: "pr-7", app: "restant-pr-7" },
    });
    expect(preview.options).toMatchObject({ protect: false, retainOnDelete: false, deleteBeforeReplace: true });
    // The service it links is known once the claim answers (a member's own name, or restant-pr-7).
    expect(one(results.pr7!, MYSQL_LINK).inputs).toMatchObject({ app: "restant-pr-7" });
    expect(resourcesOfType(results.production!, MYSQL_LINK)).toEqual([]);

    const production = one(results.production!, MYSQL);
    expect(production.inputs).toMatchObject({ service: "restant-main", app: "restant-main" });
    expect(production.inputs.cloneFrom).toBeUndefined();
    expect(production.options).toMatchObject({ protect: true, retainOnDelete: true });
    expect(one(results.staging!, MYSQL).options).toMatchObject({ protect: false, retainOnDelete: false });
  });

  it("claims a preview's Redis slot on the non-production Redis and links production and staging to their own", () => {
    expect(one(results.pr7!, SLOT).inputs).toMatchObject({
      service: "restant-previews",
      registry: "restant:redis-slots",
      holder: "pr-7",
      range: { first: 1, last: 31 },
      app: "restant-pr-7",
    });
    expect(resourcesOfType(results.pr7!, REDIS_LINK)).toEqual([]);
    for (const [result, own] of [[results.production!, "restant-main"], [results.staging!, "restant-staging"]] as const) {
      expect(resourcesOfType(result, SLOT)).toEqual([]);
      expect(one(result, REDIS_LINK, "restant-runtime-redis").inputs).toMatchObject({ service: own, app: own, version: 1 });
    }
  });

  it("starts a preview's clone without waiting for the app, links it in a step of its own, and deploys after the link", () => {
    const dependsOn = (name: string) => results.pr7!.resources.find((r) => r.name === name)!.options.dependsOn;
    expect(dependsOn("restant-runtime-database")).toEqual([]);
    expect(dependsOn("restant-runtime-database-link")).toEqual(
      expect.arrayContaining([expect.stringMatching(/::restant-runtime-app$/), expect.stringMatching(/::restant-runtime-database$/)]),
    );
    expect(dependsOn("restant-runtime-deploy")).toEqual(expect.arrayContaining([expect.stringMatching(/::restant-runtime-database-link$/)]));
    // Flagsmith, Sentry, DNS, monitoring and GitHub never hold up the database, slot or deploy directly.
    for (const name of ["restant-runtime-database", "restant-runtime-redis-slot", "restant-runtime-deploy"]) {
      expect(dependsOn(name).join(" "), name).not.toMatch(/flags|sentry|dns|monitoring|github/);
    }
  });

  it("creates the app without waiting for Sentry or Flagsmith: their keys reach it in a step of their own that only the deploy waits for", () => {
    const find = (name: string) => results.pr7!.resources.find((r) => r.name === name)!;
    const app = find("restant-runtime-app");
    expect(app.options.dependsOn.join(" ")).not.toMatch(/flags|sentry/);
    expect(Object.keys(app.inputs.config as object)).not.toContain("SENTRY_LARAVEL_DSN");
    expect(Object.keys(app.inputs.config as object)).not.toContain("FLAGSMITH_ENVIRONMENT_KEY");
    expect(app.inputs.setElsewhere).toEqual(["SENTRY_LARAVEL_DSN", "FLAGSMITH_ENVIRONMENT_KEY"]);
    const late = find("restant-runtime-app-variables");
    expect(late.type).toBe("pulumi-nodejs:dynamic/dokku:AppVariables");
    expect(late.inputs).toMatchObject({ app: "restant-pr-7", variables: { SENTRY_LARAVEL_DSN: "[secret]", FLAGSMITH_ENVIRONMENT_KEY: "[secret]" } });
    expect(late.options.dependsOn).toEqual(
      expect.arrayContaining([expect.stringMatching(/::restant-runtime-app$/), expect.stringMatching(/::restant-flags-server-key$/), expect.stringMatching(/::restant-sentry-key$/)]),
    );
    expect(find("restant-runtime-deploy").options.dependsOn).toEqual(expect.arrayContaining([expect.stringMatching(/::restant-runtime-app-variables$/)]));
  });

  it("closes previews with basic auth (the password secret) and never production", () => {
    const auth = one(results.pr7!, HTTP_AUTH);
    expect(auth.inputs).toMatchObject({ app: "restant-pr-7", user: "restant", password: "[secret]" });
    expect(auth.secretPaths).toContain("password");
    expect(auth.options.additionalSecretOutputs).toContain("password");
    expect(auth.revealedInputs.password).toBe(results.pr7!.outputs.basicAuthPassword!.value);
    expect(resourcesOfType(results.production!, HTTP_AUTH)).toEqual([]);
    expect(resourcesOfType(results.staging!, HTTP_AUTH)).toEqual([]);
  });

  it("runs queue workers at each kind's scale", () => {
    expect(one(results.production!, APP).inputs.scale).toEqual({ web: 2, worker: 1 });
    expect(one(results.pr7!, APP).inputs.scale).toEqual({ web: 1, worker: 1 });
  });

  it("deploys the environment's ref with git:sync --build as a safe remote command, after data, slot and auth", () => {
    const deploy = one(results.pr7!, COMMAND, "restant-runtime-deploy");
    expect(deploy.inputs).toMatchObject({
      create: "git:sync --build restant-pr-7 https://github.com/example/restant.git refs/pull/7/head",
      logging: "none",
      addPreviousOutputInEnv: false,
    });
    expect(deploy.options.additionalSecretOutputs).toEqual(expect.arrayContaining(["stdout", "stderr"]));
    expect((deploy.revealedInputs.connection as Record<string, unknown>).hostKey).toMatch(/^ssh-ed25519 /);
    expect((deploy.revealedInputs.connection as Record<string, unknown>).privateKey).toBeUndefined();
    const dependsOn = deploy.options.dependsOn.join(" ");
    for (const part of ["restant-runtime-app", "restant-runtime-database", "restant-runtime-redis-slot", "restant-runtime-basic-auth", "restant-runtime-source"]) {
      expect(dependsOn).toContain(part);
    }
    expect(one(results.production!, COMMAND, "restant-runtime-deploy").inputs.create).toBe(
      "git:sync --build restant-main https://github.com/example/restant.git main",
    );
  });

  it("deploys a preview from refs/pull/<n>/head at CI's commit, never its head branch by name, after cloning a branch of the repository", async () => {
    const sha = "0123456789abcdef0123456789abcdef01234567";
    const forkNamedMain = await plan({ stack: "pr-7", branch: "main" }, { "restant:commit": sha });
    const deploy = one(forkNamedMain, COMMAND, "restant-runtime-deploy");
    expect(deploy.inputs.create).toBe(`git:sync --build restant-pr-7 https://github.com/example/restant.git ${sha}`);
    expect(deploy.inputs.triggers).toEqual(["https://github.com/example/restant.git", "refs/pull/7/head", sha]);
    // Dokku's first sync clones (branches only); later ones mirror-fetch refs/pull/*, where a fork's commit lives.
    const source = one(forkNamedMain, COMMAND, "restant-runtime-source");
    expect(source.inputs.create).toBe("git:sync restant-pr-7 https://github.com/example/restant.git main");
    expect(deploy.options.dependsOn.join(" ")).toContain("restant-runtime-source");
    expect(resourcesOfType(results.production!, COMMAND).map((r) => r.name)).not.toContain("restant-runtime-source");
    // A head branch named like another PR's ref changes nothing: it is refused before any config is made.
    await expect(plan({ stack: "pr-7", branch: "refs/pull/8/head" })).rejects.toThrow(/restant:branch.*not a full ref/s);
  });

  it("gives the app SENTRY_RELEASE = the deployed commit, changing exactly when the commit does", async () => {
    const sentry = { "restant:sentry": JSON.stringify({ organization: "restant", project: "laravel" }) };
    const [a, b] = ["a".repeat(40), "b".repeat(40)];
    const atA = await plan({ stack: "staging" }, { ...sentry, "restant:commit": a });
    const atB = await plan({ stack: "staging" }, { ...sentry, "restant:commit": b });
    expect((one(atA, APP).revealedInputs.config as Record<string, string>).SENTRY_RELEASE).toBe(a);
    expect((one(atB, APP).revealedInputs.config as Record<string, string>).SENTRY_RELEASE).toBe(b);
    expect(one(atA, COMMAND, "restant-runtime-deploy").inputs.triggers).not.toEqual(one(atB, COMMAND, "restant-runtime-deploy").inputs.triggers);
    const again = await plan({ stack: "staging" }, { ...sentry, "restant:commit": a });
    expect(one(again, COMMAND, "restant-runtime-deploy").inputs).toEqual(one(atA, COMMAND, "restant-runtime-deploy").inputs);
    const withoutCommit = await plan({ stack: "staging" }, sentry);
    expect((one(withoutCommit, APP).revealedInputs.config as Record<string, string>).SENTRY_RELEASE).toBeUndefined();
  });

  it("deploys a preview whose branch Dokku cannot take by name from its pull request's head, and asks branches for a commit", async () => {
    const odd = await plan({ stack: "pr-7", branch: "feat/Ünïcode;$(rm${IFS}-rf${IFS}/)" });
    expect(one(odd, COMMAND, "restant-runtime-deploy").inputs.create).toBe(
      "git:sync --build restant-pr-7 https://github.com/example/restant.git refs/pull/7/head",
    );
    await expect(plan({ branch: "feat/Ünïcode" })).rejects.toThrow(/restant:commit.*git:sync takes the ref as one plain word/s);
    const withCommit = await plan({ branch: "feat/Ünïcode" }, { "restant:commit": "abcdef1" });
    expect(one(withCommit, COMMAND, "restant-runtime-deploy").inputs.create).toMatch(/ abcdef1$/);
  });

  it("redeploys when CI sets the commit", async () => {
    const sha = "0123456789abcdef0123456789abcdef01234567";
    const result = await plan({ stack: "staging" }, { "restant:commit": sha });
    const deploy = one(result, COMMAND, "restant-runtime-deploy");
    expect(deploy.inputs.create).toBe(`git:sync --build restant-staging https://github.com/example/restant.git ${sha}`);
    expect(deploy.inputs.triggers).toContain(sha);
  });

  it("asks Let's Encrypt per host after the first deploy, or installs the platform's wildcard on previews", async () => {
    const tls = one(results.pr7!, LETSENCRYPT);
    expect(tls.inputs).toMatchObject({ app: "restant-pr-7", domains: ["restant-pr-7.example.com"] });
    expect(tls.options.dependsOn.join(" ")).toContain("restant-runtime-deploy");

    const wildcard = await plan({ stack: "pr-7", branch: "x" }, { "restant:tls": JSON.stringify({ previews: "wildcard" }) });
    expect(resourcesOfType(wildcard, LETSENCRYPT)).toEqual([]);
    const install = one(wildcard, COMMAND, "restant-runtime-tls");
    expect(install.inputs.create).toBe("/usr/local/sbin/restant-wildcard-certs restant-pr-7");
    // The wildcard is installed beside the deploy (certs:add needs the app only), so it adds nothing to ready time.
    expect(install.options.dependsOn.join(" ")).not.toContain("restant-runtime-deploy");
    expect(install.options.dependsOn.join(" ")).toContain("restant-runtime-app");
    expect((install.revealedInputs.connection as Record<string, unknown>).user).toBe("root");
    // Production keeps its own certificate whatever previews do.
    const production = await plan({ stack: "production" }, { "restant:tls": JSON.stringify({ previews: "wildcard", email: "tls@example.org" }) });
    expect(one(production, LETSENCRYPT).inputs.domains).toEqual(["restant.main.example.com"]);
    // The app's Let's Encrypt account e-mail is the stack's, set on the app: no server-wide one is needed.
    expect(one(production, LETSENCRYPT).inputs.email).toBe("tls@example.org");
  });

  it("declares the non-production Redis, production's and staging's own, the protected snapshot and its weekly refresh in the platform stack", async () => {
    const platform = results.platform!;
    expect(one(platform, REDIS, "restant-dokku-redis").inputs).toMatchObject({ service: "restant-previews", databases: 32 });
    expect(one(platform, REDIS, "restant-dokku-redis-production").inputs).toMatchObject({ service: "restant-main", databases: 16 });
    expect(one(platform, REDIS, "restant-dokku-redis-staging").inputs).toMatchObject({ service: "restant-staging", databases: 16 });
    for (const redis of resourcesOfType(platform, REDIS)) expect(redis.options.protect, redis.name).toBe(true);
    const snapshot = one(platform, MYSQL);
    expect(snapshot.inputs).toMatchObject({ service: "restant-snapshot" });
    expect(snapshot.inputs.app).toBeUndefined();
    expect(snapshot.options).toMatchObject({ protect: true, retainOnDelete: true });
    const refresh = one(platform, COMMAND, "restant-dokku-snapshot-refresh");
    expect(refresh.inputs.create).toBe("sh -s");
    expect(String(refresh.revealedInputs.stdin)).toContain("17 3 * * 0 root /usr/local/sbin/restant-snapshot-refresh");
    expect(String(refresh.revealedInputs.stdin)).toContain("source_service=restant-main\n");
    expect(String(refresh.revealedInputs.stdin)).toContain('dokku mysql:export "$source_service"');
    // The repository's masking rules travel inside the script: the known password hash testers sign in with.
    expect(String(refresh.revealedInputs.stdin)).toContain("`password` = '$2y$10$92IXUNpkjO0rOQ5byMi.Ye4oKoEa3Ro9llC/.og/at2.uheWG/igi'");

    const withTls = await plan({ stack: "platform" }, { "restant:tls": JSON.stringify({ email: "ops@example.com", previews: "wildcard" }) });
    expect(one(withTls, COMMAND, "restant-dokku-letsencrypt-email").inputs.create).toBe("letsencrypt:set --global email ops@example.com");
    expect(String(one(withTls, COMMAND, "restant-dokku-wildcard-certificate").revealedInputs.stdin)).toContain("'*.example.com'");
  });

  it("never puts the SSH private key into a serialized provider or any input", () => {
    for (const result of Object.values(results)) {
      expect(JSON.stringify(result.resources.map((r) => r.revealedInputs))).not.toContain(SSH_KEY_MARKER);
    }
  });

  it("refuses Redis and TLS settings that cannot work, naming the key and the fix", async () => {
    await expect(
      plan({ stack: "production" }, { "restant:redis": JSON.stringify({ productionSlot: 5, claimRange: { first: 3, last: 31 } }) }),
    ).rejects.toThrow(/restant:redis\.productionSlot.*is retired: production and staging each have a Redis service of their own.*remove the key/s);
    await expect(plan({ stack: "platform" }, { "restant:redis": JSON.stringify({ databases: 16, claimRange: { first: 3, last: 31 } }) })).rejects.toThrow(
      /restant:redis\.claimRange\.last.*below databases \(16\)/s,
    );
    await expect(plan({ stack: "platform" }, { "restant:redis": JSON.stringify({ claimRange: { first: 3, last: 4 } }), "restant:previewLimit": "5" })).rejects.toThrow(
      /restant:redis\.claimRange.*fewer than restant:previewLimit/s,
    );
    await expect(
      plan({ stack: "pr-7", branch: "x" }, { "restant:tls": JSON.stringify({ previews: "wildcard" }), "restant:previewHostnameTemplate": "restant.{slug}.{zone}" }),
    ).rejects.toThrow(/restant:tls\.previews.*one level below the zone/s);
  });
});
