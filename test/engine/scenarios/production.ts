import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { StateStore } from "../../doubles/dokku/state/store";
import { restantStack } from "../restant-stack";
import type { Scenario } from "../scenario";

/**
 * Production on the real engine: `protect` stops `pulumi destroy` before its database goes, and the state file — the
 * backend's JSON, what CI keeps between runs — holds none of production's secrets in plain text, before or after a
 * refresh (APP_KEY, the database password, the Sentry DSN, the Flagsmith server key, the service passwords).
 */
export const productionScenario: Scenario = {
  name: "production: protect stops destroy; no plaintext secret in state before or after refresh",
  async run({ session, world: startWorld }) {
    const world = await startWorld();
    const stack = await restantStack(session, world, "production", {});
    const up = await stack.up();
    assert.equal(up.summary.result, "succeeded");

    const secrets = await productionSecrets(stack.outputs.bind(stack), world.dokku.stateDir, world.flagsmith);
    const stateFile = path.join(session.backendDir, ".pulumi", "stacks", "restant", "production.json");
    const leaksBefore = plaintextIn(readFileSync(stateFile, "utf8"), secrets);
    assert.deepEqual(leaksBefore, [], `the state file after up holds in plain text: ${leaksBefore.join(", ")}`);
    const refresh = await stack.refresh();
    assert.equal(refresh.summary.result, "succeeded");
    const leaksAfter = plaintextIn(readFileSync(stateFile, "utf8"), secrets);
    assert.deepEqual(leaksAfter, [], `the state file after refresh holds in plain text: ${leaksAfter.join(", ")}`);

    const destroy = await stack.destroy().then(
      () => undefined,
      (error: Error) => error,
    );
    assert.ok(destroy, "destroy of production fails");
    assert.match(destroy.message, /protected/i);
    assert.match(destroy.message, /restant-runtime-database/, "the refusal names the protected database");
    const names = (await stack.outputs()).names?.value as { mysqlService: string };
    assert.ok(new StateStore(world.dokku.stateDir).read().mysql[names.mysqlService], "production's database service is still on the server");
    return `${Object.keys(secrets).length} secrets (${Object.keys(secrets).join(", ")}) absent from state before and after refresh; destroy refused: protected`;
  },
};

type Outputs = () => Promise<Record<string, { value: unknown; secret: boolean }>>;

/** The secret values production has, from its outputs and from the servers that made them. */
async function productionSecrets(outputs: Outputs, dokkuState: string, flagsmith: import("../../doubles/flagsmith/server").FlagsmithDouble): Promise<Record<string, string>> {
  const out = await outputs();
  const names = out.names?.value as { app: string; mysqlService: string; flagsmithEnvironment: string };
  const state = new StateStore(dokkuState).read();
  const environment = flagsmith.state.liveEnvironments(flagsmith.project.id).find((e) => e.name === names.flagsmithEnvironment);
  assert.ok(environment, "production's Flagsmith environment exists");
  const serverKey = flagsmith.state.serverKeysOf(environment).at(0)?.key;
  const found: Record<string, unknown> = {
    APP_KEY: out.appKey?.value,
    "Sentry DSN": out.sentryDsn?.value,
    "Flagsmith server key": serverKey,
    "MySQL service password": state.mysql[names.mysqlService]?.password,
    DATABASE_URL: state.apps[names.app]?.config.DATABASE_URL,
    REDIS_URL: state.apps[names.app]?.config.REDIS_URL,
  };
  for (const [name, value] of Object.entries(found)) assert.ok(typeof value === "string" && value.length >= 8, `production has a ${name} to look for`);
  return found as Record<string, string>;
}

function plaintextIn(text: string, secrets: Record<string, string>): string[] {
  return Object.entries(secrets)
    .filter(([, value]) => text.includes(value) || text.includes(JSON.stringify(value).slice(1, -1)))
    .map(([name]) => name);
}
