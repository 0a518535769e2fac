import { strict as assert } from "node:assert";
import * as path from "node:path";
import { CommandError } from "@pulumi/pulumi/automation";
import { previewStack } from "../../../infra/stacks";
import { projectRoot } from "../../support/built";
import { mutatingCommands } from "../dokku-commands";
import { restantStack } from "../restant-stack";
import type { Scenario } from "../scenario";

/**
 * `pulumi preview --policy-pack policies` with the real analyzer: a preview whose snapshot service is production's
 * database is refused by `previews-isolated`, and nothing reaches the server.
 */
export const policyPackScenario: Scenario = {
  name: "policy pack: --policy-pack policies refuses a preview cloning production's database",
  async run({ session, world: startWorld }) {
    const world = await startWorld();
    const plan = previewStack(8, "feat/clone-production");
    const stack = await restantStack(session, world, plan.stack, {
      ...plan.config,
      "restant:database": JSON.stringify({ snapshotService: "restant-main" }),
    });
    world.dokku.resetCounters();
    const refused = await stack.preview({ policyPacks: [path.join(projectRoot, "policies")] }).then(
      () => undefined,
      (error: unknown) => error,
    );
    assert.ok(refused instanceof CommandError, "the preview fails");
    const text = refused.message;
    assert.match(text, /previews-isolated/);
    assert.match(text, /mandatory/);
    assert.match(text, /restant-main/);
    assert.deepEqual(mutatingCommands(world.dokku), [], "a refused preview changes nothing on the server");
    return `refused by previews-isolated (mandatory), no dokku command sent`;
  },
};
