import { strict as assert } from "node:assert";
import { CommandError } from "@pulumi/pulumi/automation";
import { previewStack } from "../../../infra/stacks";
import { mutatingCommands, providerCommands } from "../dokku-commands";
import type { EngineWorld } from "../engine-world";
import { restantStack, setConfig } from "../restant-stack";
import type { Scenario } from "../scenario";
import { standInCloud } from "../stand-in-cloud";

const PR = 7;
const BRANCH = "feat/engine-tier";
const APP = "restant-pr-7";

/**
 * A PR preview through its life on the real engine: up creates everything on the servers; an unchanged up changes
 * nothing and sends no mutating dokku command; a new commit re-runs only the deploy; a config value changed by hand
 * is caught by `preview --refresh --expect-no-changes` and repaired by the next up; destroy leaves nothing; stack rm.
 */
export const previewStackScenario: Scenario = {
  name: "preview stack: up, no-op up, new commit, drift, destroy, stack rm",
  async run({ session, world: startWorld }) {
    const world = await startWorld();
    const plan = previewStack(PR, BRANCH);
    const stack = await restantStack(session, world, plan.stack, { ...plan.config, "restant:commit": "1111111111111111111111111111111111111111" });
    const cloud = standInCloud(session);
    const seen: string[] = [];

    const created = await stack.up();
    assert.equal(created.summary.result, "succeeded");
    const config = await appConfig(world);
    for (const key of ["APP_KEY", "DATABASE_URL", "REDIS_URL", "FLAGSMITH_SERVER_KEY"]) assert.ok(config[key], `the app has ${key} after up (has ${Object.keys(config).join(", ")})`);
    const state = world.dokku;
    assert.ok((await world.dokku.operator(["apps:exists", APP])).code === 0, "the app exists");
    assert.equal(httpAuthEnabled(world), true, "basic auth is on");
    assert.ok(world.flagsmith.state.liveEnvironments(world.flagsmith.project.id).some((e) => e.name === "pr-7"), "the Flagsmith environment exists");
    assert.ok(cloud.count("cloudflare") === 1 && cloud.count("github") >= 2 && cloud.count("sentry") === 1, "the bridged resources are in their clouds");
    seen.push(`up: ${describe(created.summary.resourceChanges)}`);

    state.resetCounters();
    const again = await stack.up();
    assert.deepEqual(Object.keys(again.summary.resourceChanges ?? {}), ["same"], `an unchanged up changes nothing: ${describe(again.summary.resourceChanges)}`);
    assert.deepEqual(mutatingCommands(state), [], "an unchanged up sends no mutating dokku command");
    seen.push(`no-op up: ${describe(again.summary.resourceChanges)}, ${providerCommands(state).length} read-only dokku commands`);

    state.resetCounters();
    await setConfig(stack, { "restant:commit": "2222222222222222222222222222222222222222" });
    const redeploy = await stack.up();
    const changes = redeploy.summary.resourceChanges ?? {};
    assert.equal(changes.replace, 1, `a new commit replaces the deploy only: ${describe(changes)}`);
    assert.deepEqual(Object.keys(changes).sort(), ["replace", "same"]);
    assert.deepEqual(mutatingCommands(state), [`git:sync --build ${APP} ${gitRepository(world)} 2222222222222222222222222222222222222222`]);
    seen.push(`new commit: ${describe(changes)}`);

    await world.operator("config:set", "--no-restart", APP, "APP_ENV=edited-by-hand");
    const drift = await stack.preview({ refresh: true, expectNoChanges: true }).then(
      () => undefined,
      (error: unknown) => error,
    );
    assert.ok(drift instanceof CommandError, "preview --refresh --expect-no-changes fails on drift");
    const driftText = String(drift.message);
    assert.match(driftText, /no changes were expected but changes were proposed/i);
    assert.match(driftText, /restant-runtime-app/);
    assert.match(driftText, /config/, "the preview names the drifted field");
    const repaired = await stack.up({ refresh: true });
    assert.equal((await appConfig(world)).APP_ENV, "production", `the next up puts APP_ENV back: ${describe(repaired.summary.resourceChanges)}`);
    seen.push("drift caught and repaired");

    const destroyed = await stack.destroy();
    assert.equal(destroyed.summary.result, "succeeded");
    assert.equal((await world.dokku.operator(["apps:exists", APP])).code, 20, "no app after destroy");
    assert.equal((await world.dokku.operator(["mysql:exists", APP])).code === 0, false, "no database service after destroy");
    assert.equal(world.flagsmith.state.liveEnvironments(world.flagsmith.project.id).some((e) => e.name === "pr-7"), false, "no Flagsmith environment after destroy");
    assert.equal(cloud.total(), 0, `no bridged resource after destroy: ${JSON.stringify(cloud.summary())}`);
    await stack.workspace.removeStack(plan.stack);
    assert.equal((await stack.workspace.listStacks()).some((s) => s.name.endsWith(plan.stack)), false, "stack rm removed the stack");
    seen.push(`destroy: ${describe(destroyed.summary.resourceChanges)}, stack rm`);
    return seen.join("; ");
  },
};

async function appConfig(world: EngineWorld): Promise<Record<string, string>> {
  return JSON.parse(await world.operator("config:export", "--format", "json", APP)) as Record<string, string>;
}

function httpAuthEnabled(world: EngineWorld): boolean {
  const { StateStore } = require("../../doubles/dokku/state/store") as typeof import("../../doubles/dokku/state/store");
  return new StateStore(world.dokku.stateDir).read().apps[APP]?.httpAuth.enabled ?? false;
}

function gitRepository(world: EngineWorld): string {
  const { StateStore } = require("../../doubles/dokku/state/store") as typeof import("../../doubles/dokku/state/store");
  return new StateStore(world.dokku.stateDir).read().apps[APP]?.source?.repository ?? "?";
}

function describe(changes: Record<string, number> | undefined): string {
  return Object.entries(changes ?? {}).map(([kind, n]) => `${kind} ${n}`).join(", ");
}
