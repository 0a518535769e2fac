import { ConcurrentUpdateError } from "@pulumi/pulumi/automation";
import { existsSync, rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { AutomationStackEngine } from "../../../scripts/lifecycle/automation-stack-engine";
import { previewStack } from "../../../infra/stacks";
import { installPulumiDouble, type PulumiDoubleWorkspace } from "../../doubles/pulumi-cli/install";
import { PASSPHRASE, TestClock } from "./harness";

/** The real Automation API (LocalWorkspace, Stack) running the pulumi CLI double from PATH. */
describe("AutomationStackEngine through the Automation API", () => {
  let pulumi: PulumiDoubleWorkspace;
  const engine = (options: { passphrase?: boolean; lockWaitMs?: number; clock?: TestClock } = {}) =>
    new AutomationStackEngine({
      workDir: pulumi.workDir,
      ...(options.passphrase === false ? {} : { envVars: { PULUMI_CONFIG_PASSPHRASE: PASSPHRASE } }),
      clock: options.clock ?? new TestClock(),
      lockPollMs: 200,
      ...(options.lockWaitMs !== undefined ? { lockWaitMs: options.lockWaitMs } : {}),
      log: () => {},
    });

  beforeAll(() => {
    pulumi = installPulumiDouble();
    process.env.PATH = `${pulumi.binDir}:${process.env.PATH ?? ""}`;
    delete process.env.PULUMI_CONFIG_PASSPHRASE;
  });

  it("refuses to make a stack without the passphrase its secrets need", async () => {
    await expect(engine({ passphrase: false }).prepare(previewStack(41, "x"))).rejects.toThrow(/PULUMI_CONFIG_PASSPHRASE/);
  });

  it("creates, configures, tags, updates and reports outputs with their secrecy", async () => {
    const e = engine();
    await e.prepare(previewStack(42, "feature/a"));
    expect(await e.listStacks()).toContainEqual({ name: "pr-42", resourceCount: undefined });
    await e.prepare(previewStack(42, "feature/a")); // selecting an existing stack is not an error
    await e.setTags("pr-42", { "restant:expires": "2026-04-01T00:00:00.000Z" });
    expect(await e.tags("pr-42")).toMatchObject({ "restant:expires": "2026-04-01T00:00:00.000Z", "pulumi:project": "restant" });
    await expect(e.setTags("pr-42", { ["restant:" + "x".repeat(40)]: "v" })).rejects.toThrow(/too long/);

    const outputs = await e.up("pr-42", "first");
    expect(outputs.url).toEqual({ value: "https://restant-pr-42.restant.app", secret: false });
    expect(outputs.basicAuthPassword?.secret).toBe(true);
    expect(await e.outputs("pr-42")).toEqual(outputs);
    expect((await e.listStacks()).find((s) => s.name === "pr-42")?.resourceCount).toBeGreaterThan(0);
  });

  it("never removes a stack that still holds resources", async () => {
    const e = engine();
    await e.prepare(previewStack(43, "feature/b"));
    await e.up("pr-43", "up");
    await expect(e.remove("pr-43")).rejects.toThrow(/still has resources; removal rejected/);
    await e.destroy("pr-43");
    expect((await e.listStacks()).find((s) => s.name === "pr-43")?.resourceCount).toBe(0);
    await e.remove("pr-43");
    expect((await e.listStacks()).map((s) => s.name)).not.toContain("pr-43");
  });

  it("waits for a locked stack, in the DIY and the Pulumi Cloud wording, and gives up after lockWaitMs", async () => {
    const e = engine();
    await e.prepare(previewStack(44, "feature/c"));
    await e.up("pr-44", "up");
    const release = path.join(pulumi.workDir, ".release-pr-44");
    const lockFile = path.join(pulumi.workDir, ".pulumi-state", ".pulumi", "locks", "restant", "pr-44", "update.json");
    const upsSoFar = () => pulumi.calls().filter((c) => c[0] === "up").length;
    const holdLock = async () => {
      rmSync(release, { force: true });
      const before = upsSoFar();
      const holder = engine().up("pr-44", "holds the lock");
      while (upsSoFar() === before || !existsSync(lockFile)) await new Promise((resolve) => setTimeout(resolve, 50));
      // Wrapped: an async function returning the promise itself would wait for it.
      return { holder };
    };
    for (const lockStyle of ["diy", "service"] as const) {
      pulumi.setWorld({ lockStyle, stacks: { "pr-44": { upHeldUntil: release } } });
      const { holder } = await holdLock();
      const clock = new TestClock();
      const started = clock.now().getTime();
      const waiting = engine({ clock }).destroy("pr-44");
      while (clock.now().getTime() === started) await new Promise((resolve) => setTimeout(resolve, 50));
      writeFileSync(release, "");
      await Promise.all([waiting, holder]);
      expect(clock.now().getTime()).toBeGreaterThan(started); // it waited, then destroyed
      expect((await e.listStacks()).find((s) => s.name === "pr-44")?.resourceCount).toBe(0);
      await e.up("pr-44", "again");
    }
    const { holder } = await holdLock();
    await expect(engine({ lockWaitMs: 500 }).destroy("pr-44")).rejects.toBeInstanceOf(ConcurrentUpdateError);
    writeFileSync(release, "");
    await holder;
  });
});
