import { strict as assert } from "node:assert";
import { CommandError, type EngineEvent } from "@pulumi/pulumi/automation";
import { previewStack } from "../../../infra/stacks";
import { StateStore } from "../../doubles/dokku/state/store";
import type { DokkuState } from "../../doubles/dokku/state/types";
import { driftedResources } from "../../../scripts/lifecycle/engine-events";
import { mutatingCommands, providerCommands } from "../dokku-commands";
import { slotHolders } from "../redis-slots";
import type { EngineWorld } from "../engine-world";
import { lifecycleEngine } from "../lifecycle-engine";
import { restantStack, setConfig } from "../restant-stack";
import type { Scenario } from "../scenario";
import { standInCloud } from "../stand-in-cloud";

const PR = 7;
const BRANCH = "feat/engine-tier";
const APP = "restant-pr-7";
const FIRST_COMMIT = "1111111111111111111111111111111111111111";
const SECOND_COMMIT = "2222222222222222222222222222222222222222";

/**
 * A PR preview through its life on the real engine: up creates everything on the servers; an unchanged up changes
 * nothing and sends no dokku command; a new commit re-runs only the deploy; a config value changed by hand is caught
 * by `preview --refresh --expect-no-changes` (which names the resource), missed by a plain up (state still holds the
 * declared value) and repaired by the lifecycle's up (scripts/lifecycle/automation-stack-engine.ts, which refreshes
 * first); destroy leaves no app, service, slot, Flagsmith environment or bridged resource; stack rm.
 */
export const previewStackScenario: Scenario = {
  name: "preview stack: up, no-op up, new commit, drift, destroy, stack rm",
  async run({ session, world: startWorld }) {
    const world = await startWorld();
    const plan = previewStack(PR, BRANCH);
    const project = session.projectCopy();
    const stack = await restantStack(session, world, plan.stack, { ...plan.config, "restant:commit": FIRST_COMMIT }, project);
    const cloud = standInCloud(session);
    const seen: string[] = [];

    const created = await stack.up();
    assert.equal(created.summary.result, "succeeded");
    const config = await appConfig(world);
    for (const key of ["APP_KEY", "DATABASE_URL", "REDIS_URL", "REDIS_DB", "FLAGSMITH_ENVIRONMENT_KEY", "SENTRY_LARAVEL_DSN"]) assert.ok(config[key], `the app has ${key} after up (has ${Object.keys(config).join(", ")})`);
    assert.ok((await world.dokku.operator(["apps:exists", APP])).code === 0, "the app exists");
    assert.ok(doubleState(world).mysql[APP]?.links.includes(APP), "the cloned database service exists and is linked");
    assert.equal(slotHolders()[config.REDIS_DB], "pr-7", "the Redis slot is claimed for pr-7");
    assert.equal(httpAuthEnabled(world), true, "basic auth is on");
    assert.ok(world.flagsmith.state.liveEnvironments(world.flagsmith.project.id).some((e) => e.name === "pr-7"), "the Flagsmith environment exists");
    assert.ok(cloud.count("cloudflare") === 1 && cloud.count("github") >= 2 && cloud.count("sentry") === 1, "the bridged resources are in their clouds");
    seen.push(`up: ${describe(created.summary.resourceChanges)}`);

    world.dokku.resetCounters();
    const again = await stack.up();
    assert.deepEqual(Object.keys(again.summary.resourceChanges ?? {}), ["same"], `an unchanged up changes nothing: ${describe(again.summary.resourceChanges)}`);
    // Without --refresh the engine diffs against state: no provider reads the server, so nothing at all is sent.
    assert.deepEqual(providerCommands(world.dokku), [], "an unchanged up sends no dokku command (so no mutating one)");
    seen.push(`no-op up: ${describe(again.summary.resourceChanges)}, no dokku command`);

    world.dokku.resetCounters();
    await setConfig(stack, { "restant:commit": SECOND_COMMIT });
    const steps: string[] = [];
    const redeploy = await stack.up({ onEvent: (event) => collectStep(event, steps) });
    const changes = redeploy.summary.resourceChanges ?? {};
    // The deploy runs again (its triggers hold the commit) and the app's SENTRY_RELEASE follows the commit, set
    // without a restart since the deploy follows (which restarts the app): one restart, not two; nothing else changes.
    assert.deepEqual(steps.sort(), ["replace restant-runtime-deploy", "update restant-runtime-app"], `a new commit changes: ${describe(changes)}`);
    const mutations = mutatingCommands(world.dokku);
    assert.equal(mutations.length, 2, `only the release variable and the deploy reach Dokku: ${mutations.join(" | ")}`);
    assert.match(mutations[0], new RegExp(`^config:set --no-restart --encoded ${APP} SENTRY_RELEASE=${base64(SECOND_COMMIT)}$`));
    assert.equal(mutations[1], `git:sync --build ${APP} ${gitRepository(world)} ${SECOND_COMMIT}`);
    assert.equal((await appConfig(world)).SENTRY_RELEASE, SECOND_COMMIT);
    const restarts = world.dokku.restarts(APP);
    assert.equal(restarts, 1, "a new commit restarts the app once (its deploy), not once more for SENTRY_RELEASE");
    seen.push(`new commit: ${steps.join(", ")}, ${restarts} app restart`);

    const declaredEnv = (await appConfig(world)).APP_ENV;
    await world.operator("config:set", "--no-restart", APP, "APP_ENV=edited-by-hand");
    const driftEvents: EngineEvent[] = [];
    const drift = await stack.preview({ refresh: true, expectNoChanges: true, onEvent: (event) => driftEvents.push(event) }).then(
      () => undefined,
      (error: unknown) => error,
    );
    assert.ok(drift instanceof CommandError, "preview --refresh --expect-no-changes fails on drift");
    assert.match(drift.message, /no changes were expected for preview but changes were proposed/);
    // The engine names no field for a dynamic resource (@pulumi/pulumi's dynamic-provider host drops a DiffResult's
    // field lists), so the drift report compares the refreshed outputs with the declared inputs itself
    // (scripts/lifecycle/engine-events.ts); the app's config is one secret, so it is named as a whole.
    const drifted = driftedResources(driftEvents);
    assert.deepEqual(drifted.map((d) => `${d.op} ${d.urn.split("::").pop()}`), ["update restant-runtime-app"], "the preview names the drifted app and nothing else");
    assert.deepEqual(drifted[0]?.fields.map((f) => f.path), ["config"], "the drift names the app's config as the field that differs");
    const fields = drifted[0]!.fields.map((f) => f.path).join(", ");
    // A plain `up` diffs the program against the state, which still holds the declared value: it sees no change.
    const plainUp = await stack.up();
    assert.deepEqual(Object.keys(plainUp.summary.resourceChanges ?? {}), ["same"], "an up without refresh does not see the drift");
    assert.equal((await appConfig(world)).APP_ENV, "edited-by-hand");
    // The lifecycle's up (what CI's deploy and preview scripts run) refreshes first, so it repairs the drift.
    await lifecycleEngine(session, world, project).up(plan.stack, "repair drift");
    assert.equal((await appConfig(world)).APP_ENV, declaredEnv, "the lifecycle's up puts APP_ENV back");
    seen.push(`drift caught on restant-runtime-app (${fields}); plain up leaves it, the lifecycle's up (--refresh) repairs it`);

    const destroyed = await stack.destroy();
    assert.equal(destroyed.summary.result, "succeeded");
    assert.equal((await world.dokku.operator(["apps:exists", APP])).code, 20, "no app after destroy");
    assert.equal(doubleState(world).mysql[APP], undefined, "no database service after destroy");
    assert.equal(Object.values(slotHolders()).includes("pr-7"), false, "no Redis slot held after destroy");
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

function doubleState(world: EngineWorld): DokkuState {
  return new StateStore(world.dokku.stateDir).read();
}

function httpAuthEnabled(world: EngineWorld): boolean {
  return doubleState(world).apps[APP]?.httpAuth.enabled ?? false;
}

function gitRepository(world: EngineWorld): string {
  return doubleState(world).apps[APP]?.source?.repository ?? "?";
}

/**
 * "<op> <name>" for each step the engine took on a resource outside: components (restant:*) and provider
 * instances only record inputs in state (the nodejs provider's config holds all stack config, so it "updates").
 */
function collectStep(event: EngineEvent, steps: string[]): void {
  const metadata = event.resourcePreEvent?.metadata;
  if (!metadata || metadata.type.startsWith("restant:") || metadata.type.startsWith("pulumi:providers:")) return;
  if (["create", "update", "delete", "replace"].includes(metadata.op)) steps.push(`${metadata.op} ${metadata.urn.split("::").pop()}`);
}

function base64(text: string): string {
  return Buffer.from(text).toString("base64");
}

function describe(changes: Record<string, number> | undefined): string {
  return Object.entries(changes ?? {}).map(([kind, n]) => `${kind} ${n}`).join(", ");
}
