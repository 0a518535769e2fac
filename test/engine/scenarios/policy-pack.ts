import { strict as assert } from "node:assert";
import * as path from "node:path";
import { CommandError, type EngineEvent } from "@pulumi/pulumi/automation";
import { previewStack } from "../../../infra/stacks";
import { mutatingCommands } from "../dokku-commands";
import { policyPackLauncher } from "../policy-pack-launcher";
import { restantStack } from "../restant-stack";
import type { Scenario } from "../scenario";

/**
 * `pulumi preview --policy-pack` with the real analyzer: a preview whose snapshot service is production's
 * database is refused by `previews-isolated`, decided during the preview (the app's config, not known until its
 * secrets exist, no longer makes the engine skip the policy as "can't run during preview"), and nothing reaches the
 * server.
 */
export const policyPackScenario: Scenario = {
  name: "policy pack: --policy-pack refuses a preview cloning production's database",
  async run({ session, world: startWorld }) {
    const world = await startWorld();
    const plan = previewStack(8, "feat/clone-production");
    const stack = await restantStack(session, world, plan.stack, {
      ...plan.config,
      "restant:database": JSON.stringify({ snapshotService: "restant-main" }),
    });
    world.dokku.resetCounters();
    const events: EngineEvent[] = [];
    const refused = await stack
      .preview({ policyPacks: [policyPackLauncher(path.dirname(session.backendDir))], onEvent: (event) => events.push(event) })
      .then(
        (result) => result.stdout + result.stderr,
        (error: unknown) => error,
      );
    assert.ok(refused instanceof CommandError, `the preview fails; it printed:\n${String(refused)}`);
    const policyEvents = events.flatMap((event) => (event.policyEvent ? [event.policyEvent] : []));
    const skipped = policyEvents.filter((policy) => /can't run .* during preview/.test(policy.message));
    assert.deepEqual(skipped.map((policy) => `${policy.policyName}: ${policy.message}`), [], "no policy is skipped as not runnable during preview");
    const isolated = policyEvents.filter((policy) => policy.policyName === "previews-isolated");
    assert.ok(isolated.length > 0, `previews-isolated reports (policy events: ${policyEvents.map((p) => p.policyName).join(", ")})`);
    assert.ok(isolated.every((policy) => policy.enforcementLevel === "mandatory"), "as mandatory");
    assert.ok(isolated.some((policy) => /restant-main" at cloneFrom/.test(policy.message)), `naming the clone source: ${isolated.map((p) => p.message).join(" | ")}`);
    // The real program gives every identifying input a known value: nothing is refused only for being unknown.
    assert.deepEqual(isolated.filter((policy) => /not known during preview/.test(policy.message)).map((policy) => policy.message), []);
    assert.match(refused.message, /previews-isolated/);
    assert.deepEqual(mutatingCommands(world.dokku), [], "a refused preview changes nothing on the server");
    return `refused by previews-isolated (mandatory, ${isolated.length} violation(s)), no policy skipped, no dokku command sent`;
  },
};
