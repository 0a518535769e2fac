import type * as pulumi from "@pulumi/pulumi";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requireBuilt } from "../support/built";
import { type DokkuServer, startDokkuServer } from "../support/dokku-server";
import { connectToDokku, execOverSsh } from "../support/dokku-ssh";
import { plan, resourcesOfType } from "../support/evaluate";

/**
 * Adoption, the way a user meets it: production and staging were made by hand as in the seed setup (apps, a MySQL
 * service with data, the shared Redis linked, env vars by `config:set`, the app deployed), then the stack's first `up`
 * runs with `restant:adopt: true`. The inputs are the real program's (the plan of the stack with that config); each
 * provider is the serialized one Pulumi's host runs, over SSH to the Dokku double on real MariaDB.
 */

type Harness = typeof import("../support/serialized-provider");
type MariaDb = typeof import("../doubles/dokku/services/mariadb");
type Snapshot = typeof import("../support/snapshot-data");
type Store = typeof import("../doubles/dokku/state/store");
const { asPulumiHostRunsIt } = requireBuilt<Harness>("test/support/serialized-provider.ts");
const { dokkuAppProvider } = requireBuilt<typeof import("../../components/dokku/app/app-provider")>("components/dokku/app/app-provider.ts");
const { mysqlServiceProvider } = requireBuilt<typeof import("../../components/dokku/mysql/mysql-service-provider")>(
  "components/dokku/mysql/mysql-service-provider.ts",
);
const { redisLinkProvider } = requireBuilt<typeof import("../../components/dokku/redis/redis-link-provider")>(
  "components/dokku/redis/redis-link-provider.ts",
);
const { testMariaDb, runSql } = requireBuilt<MariaDb>("test/doubles/dokku/services/mariadb.ts");
const { databaseFingerprint } = requireBuilt<Snapshot>("test/support/snapshot-data.ts");
const { StateStore } = requireBuilt<Store>("test/doubles/dokku/state/store.ts");

type Provider = Required<pulumi.dynamic.ResourceProvider>;
const COMMIT = "0123456789abcdef0123456789abcdef01234567";
const REPOSITORY = "https://github.com/restant/restant.git";
const HAND_APP_KEY = "base64:aGFuZC1tYWRlIGtleSBvZiB0aGUgcnVubmluZyBhcHAhIQ==";
/** Commands that only read. */
const READ_ONLY = ["apps:exists", "config:export", "domains:report", "ps:report", "mysql:exists", "mysql:info", "mysql:links", "redis:links", "redis:exists"];
const isRead = (argv: string[]) => READ_ONLY.includes(argv[0]!) || (argv[0] === "ps:scale" && argv.includes("--format"));

let server: DokkuServer;
let providers: { app: Provider; mysql: Provider; redis: Provider };

const mariadb = () => {
  const found = testMariaDb();
  if (!found) throw new Error("run through test/services/start.sh");
  return found;
};
const operator = async (...args: string[]) => {
  const result = await server.operator(args);
  if (result.code !== 0) throw new Error(`dokku ${args.join(" ")} exited ${result.code}: ${result.stderr}`);
  return result.stdout;
};
const appConfig = async (app: string) => JSON.parse(await operator("config:export", "--format", "json", app)) as Record<string, string>;
const databaseOf = (service: string) => {
  const record = new StateStore(server.stateDir).read().mysql[service];
  if (!record) throw new Error(`no service ${service}`);
  return record.database;
};
const withoutProvider = (inputs: Record<string, unknown>) => {
  const { __provider: _provider, ...rest } = inputs;
  return rest;
};

/** The program's inputs for one stack with adopt on, pointed at the test server. */
async function stackInputs(stack: "production" | "staging") {
  const dokku = { host: server.host, port: server.port, user: "dokku", hostKey: server.hostKey, ipv4: "203.0.113.10" };
  const result = await plan({ stack }, {
    "restant:adopt": "true",
    "restant:commit": COMMIT,
    // The repository the app was deployed from by hand: a user adopting sets restant:gitRepository to it.
    "restant:gitRepository": REPOSITORY,
    "restant:dokku": JSON.stringify(dokku),
  });
  const one = (type: string) => {
    const found = resourcesOfType(result, type);
    expect(found).toHaveLength(1);
    return withoutProvider(found[0]!.revealedInputs);
  };
  const deploy = resourcesOfType(result, "command:remote:Command").find((command) => command.name.endsWith("-deploy"));
  if (!deploy) throw new Error("no deploy command in the plan");
  return {
    app: one("pulumi-nodejs:dynamic/dokku:App"),
    mysql: one("pulumi-nodejs:dynamic/dokku:MysqlService"),
    redis: one("pulumi-nodejs:dynamic/dokku:RedisLink"),
    deployLine: String(deploy.revealedInputs.create),
    spec: result.spec,
  };
}

/** The seed's hand-made environment: app, domains, scale, env vars, MySQL with data, its Redis, deployed. */
async function setUpByHand(app: string, wanted: Record<string, unknown>, differing: Record<string, string>): Promise<string> {
  await operator("apps:create", app);
  await operator("domains:set", app, ...(wanted.domains as string[]));
  const scale = wanted.scale as { web: number; worker: number };
  await operator("ps:scale", "--skip-deploy", app, `web=${scale.web}`, `worker=${scale.worker}`);
  const config = { ...(wanted.config as Record<string, string>), APP_KEY: HAND_APP_KEY, GRAFANA_CLOUD_API_KEY: "set-by-hand", ...differing };
  await operator("config:set", "--no-restart", app, ...Object.entries(config).map(([key, value]) => `${key}=${value}`));
  await operator("mysql:create", app);
  await operator("mysql:link", app, app, "--no-restart");
  const database = databaseOf(app);
  await runSql(
    mariadb(),
    `USE \`${database}\`; CREATE TABLE tenants (id INT PRIMARY KEY AUTO_INCREMENT, name VARCHAR(64) NOT NULL, plan VARCHAR(16) NOT NULL);` +
      "INSERT INTO tenants (name, plan) SELECT CONCAT('tenant ', seq), IF(seq % 3 = 0, 'pro', 'basic') FROM seq_1_to_500;",
  );
  // The platform stack's own Redis of the environment (infra/names.ts redisService), linked as the seed did.
  await operator("redis:create", app);
  await operator("redis:link", app, app, "--no-restart");
  await operator("git:sync", "--build", app, REPOSITORY, COMMIT);
  return database;
}

/** `pulumi up` of one resource that is not in state yet: check, then create. */
async function create(provider: Provider, inputs: Record<string, unknown>) {
  const checked = await provider.check(inputs, inputs);
  expect(checked.failures ?? []).toEqual([]);
  return provider.create(checked.inputs);
}

/** The first `up` with adopt, in the runtime's order: app, database, Redis link, then the deploy line over SSH. */
async function adopt(inputs: Awaited<ReturnType<typeof stackInputs>>) {
  const app = await create(providers.app, inputs.app);
  const mysql = await create(providers.mysql, inputs.mysql);
  const redis = await create(providers.redis, inputs.redis);
  const client = await connectToDokku(server, "dokku");
  try {
    const deployed = await execOverSsh(client, inputs.deployLine);
    expect(deployed.code).toBe(0);
  } finally {
    client.end();
  }
  return { app, mysql, redis };
}

function mutatingCommands(): string[] {
  return server
    .commands()
    .filter((command) => command.user !== "root" && !isRead(command.argv))
    .map((command) => command.argv.join(" "));
}

beforeAll(async () => {
  server = await startDokkuServer();
  process.env.DOKKU_SSH_PRIVATE_KEY = server.privateKey;
  providers = {
    app: (await asPulumiHostRunsIt(dokkuAppProvider)).provider as Provider,
    mysql: (await asPulumiHostRunsIt(mysqlServiceProvider)).provider as Provider,
    redis: (await asPulumiHostRunsIt(redisLinkProvider)).provider as Provider,
  };
}, 300_000);

afterAll(async () => {
  delete process.env.DOKKU_SSH_PRIVATE_KEY;
  await server?.stop();
});

describe("restant:adopt: the first up takes over what was made by hand", () => {
  it("production whose values all match: no row changed, nothing restarted, nothing created, APP_KEY and hand-set vars kept", async () => {
    const inputs = await stackInputs("production");
    expect(inputs.deployLine).toContain("--build-if-changes");
    const app = inputs.spec.kind === "production" ? inputs.spec.names.app : "";
    expect(app).toBe("restant-main");
    const database = await setUpByHand(app, inputs.app, {});
    const before = await databaseFingerprint(mariadb(), database);
    server.resetCounters();

    const adopted = await adopt(inputs);

    expect(server.restarts(app)).toBe(0);
    expect(await databaseFingerprint(mariadb(), database)).toEqual(before);
    expect(await runSql(mariadb(), `SELECT COUNT(*) FROM \`${database}\`.tenants`)).toContain("500");
    // The only writes: the ownership marker and DB_URL (the link's DSN under the name Laravel 11+ reads), both
    // without a restart, and a deploy that builds nothing. No create, link, build or scale.
    const writes = mutatingCommands();
    expect(writes.map((line) => line.split(" ").slice(0, 4).join(" "))).toEqual([
      "config:set --no-restart --encoded restant-main",
      "config:set --encoded --no-restart restant-main",
      `git:sync --build-if-changes restant-main ${REPOSITORY}`,
    ]);
    expect(writes[0]).toMatch(/^config:set --no-restart --encoded restant-main PULUMI_DOKKU_MANAGED_KEYS=/);
    expect(writes[1]).toMatch(/^config:set --encoded --no-restart restant-main DB_URL=/);
    expect(writes[2]).toBe(`git:sync --build-if-changes ${app} ${REPOSITORY} ${COMMIT}`);
    expect((await appConfig(app)).DB_URL).toMatch(/^mysql:\/\//);
    const config = await appConfig(app);
    expect(config.APP_KEY).toBe(HAND_APP_KEY);
    expect((adopted.app.outs as { config: Record<string, string> }).config.APP_KEY).toBe(HAND_APP_KEY);
    expect(config.GRAFANA_CLOUD_API_KEY).toBe("set-by-hand");
    expect(adopted.mysql.outs).toMatchObject({ service: app, linkedApps: [app] });
    expect(adopted.redis.outs).toMatchObject({ service: app, app });

    // The next up (same program, APP_KEY generated anew under the mocks) sees nothing to change: the app keeps its key.
    const diff = await providers.app.diff(adopted.app.id, adopted.app.outs, inputs.app);
    expect(diff.changes).toBe(false);
  });

  it("staging with one value that differs: that value is set and the app restarts once; the data is untouched", async () => {
    const inputs = await stackInputs("staging");
    const app = "restant-staging";
    const database = await setUpByHand(app, inputs.app, { LOG_CHANNEL: "daily" });
    const before = await databaseFingerprint(mariadb(), database);
    server.resetCounters();

    await adopt(inputs);

    expect(server.restarts(app)).toBe(1);
    expect((await appConfig(app)).LOG_CHANNEL).toBe((inputs.app.config as Record<string, string>).LOG_CHANNEL);
    expect(await databaseFingerprint(mariadb(), database)).toEqual(before);
    expect(mutatingCommands().filter((line) => /^(apps:create|mysql:create|mysql:destroy|apps:destroy|redis:create)/.test(line))).toEqual([]);
  });

  it("without adopt an existing service is refused, naming restant:adopt, and nothing is changed", async () => {
    const inputs = await stackInputs("production");
    server.resetCounters();
    const { adopt: _adopt, ...notAdopting } = inputs.mysql;
    await expect(create(providers.mysql, notAdopting)).rejects.toThrow(/restant-main already exists .*restant:adopt/);
    expect(mutatingCommands()).toEqual([]);
  });

  it("refuses an app whose REDIS_URL comes from another Redis service, and links nothing", async () => {
    const inputs = await stackInputs("production");
    await operator("apps:create", "restant-other");
    await operator("redis:create", "restant-other-redis");
    await operator("redis:link", "restant-other-redis", "restant-other", "--no-restart");
    server.resetCounters();
    await expect(create(providers.redis, { ...inputs.redis, app: "restant-other" })).rejects.toThrow(
      /restant-other already has REDIS_URL from another Redis service, not from restant-main/,
    );
    expect(mutatingCommands()).toEqual([]);
  });

});
