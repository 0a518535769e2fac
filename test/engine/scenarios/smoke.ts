import { strict as assert } from "node:assert";
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import type { Scenario } from "../scenario";
import { smokeProgram } from "./smoke-program";

/** `pulumi up` then `pulumi destroy` of one dynamic resource: the CLI, the inline program and the provider host work. */
export const smoke: Scenario = {
  name: "smoke: up and destroy of one dynamic provider",
  async run({ session }) {
    const file = path.join(session.cloudDir, "marker.txt");
    const stack = await session.inlineStack({ stackName: "smoke", program: smokeProgram(file, "hello from the engine") });
    const up = await stack.up();
    assert.equal(up.summary.result, "succeeded");
    assert.deepEqual(up.summary.resourceChanges, { create: 2 }, "a stack and the marker are created");
    assert.equal(readFileSync(file, "utf8"), "hello from the engine", "the dynamic provider's create ran");
    assert.equal(up.outputs.text?.value, "hello from the engine");

    const again = await stack.up();
    assert.deepEqual(again.summary.resourceChanges, { same: 2 }, "a second up changes nothing");

    const destroy = await stack.destroy();
    assert.equal(destroy.summary.result, "succeeded");
    assert.equal(existsSync(file), false, "the dynamic provider's delete ran");
    await stack.workspace.removeStack("smoke");
    return `create 2, same 2, delete ${destroy.summary.resourceChanges?.delete ?? 0}`;
  },
};
