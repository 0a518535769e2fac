import { strict as assert } from "node:assert";
import { writeFileSync } from "node:fs";
import * as path from "node:path";
import { CommandError } from "@pulumi/pulumi/automation";
import { previewStack } from "../../../infra/stacks";
import { projectRoot } from "../../support/built";
import { mutatingCommands } from "../dokku-commands";
import { restantStack } from "../restant-stack";
import type { Scenario } from "../scenario";

/**
 * The engine runs a Node.js policy pack folder through the Node.js language host, which the Go proxy does not serve;
 * it also runs an executable given to --policy-pack as an analyzer plugin. This one starts policies/ exactly as the
 * language host would (its index.ts under ts-node, in its folder), so the pack and the engine's analyzer protocol are
 * real and only the launch differs.
 */
function policyPackLauncher(dir: string): string {
  const launcher = path.join(dir, "restant-policies");
  const script = `#!/bin/sh\ncd ${JSON.stringify(path.join(projectRoot, "policies"))} || exit 1\nexec node -r ts-node/register/transpile-only index.ts "$@"\n`;
  writeFileSync(launcher, script, { mode: 0o755 });
  return launcher;
}

/**
 * `pulumi preview --policy-pack` with the real analyzer: a preview whose snapshot service is production's
 * database is refused by `previews-isolated`, and nothing reaches the server.
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
    const refused = await stack.preview({ policyPacks: [policyPackLauncher(path.dirname(session.backendDir))] }).then(
      (result) => result.stdout + result.stderr,
      (error: unknown) => error,
    );
    assert.ok(refused instanceof CommandError, `the preview fails; it printed:\n${String(refused)}`);
    const text = refused.message;
    assert.match(text, /previews-isolated/);
    assert.match(text, /mandatory/);
    assert.match(text, /restant-main/);
    assert.deepEqual(mutatingCommands(world.dokku), [], "a refused preview changes nothing on the server");
    return `refused by previews-isolated (mandatory), no dokku command sent`;
  },
};
