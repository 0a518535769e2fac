import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, expect, it } from "vitest";
import { builtScript } from "../../support/built";
import { type DokkuRun, runDokkuExecutable } from "../../doubles/dokku/run-command";

// Parallel SSH channels run dokku commands as separate processes at once: the double's state lock must hold across
// processes, so these writers are real processes (test/unit/dokku-double.test.ts runs the rest in-process).

let stateDir: string;
beforeEach(() => void (stateDir = mkdtempSync(path.join(os.tmpdir(), "dokku-double-state-"))));
afterEach(() => rmSync(stateDir, { recursive: true, force: true }));

function dokku(args: string[]): Promise<DokkuRun> {
  return runDokkuExecutable(builtScript("test/doubles/dokku/dokku.ts"), args, { stateDir, cwd: stateDir });
}

it("the Dokku double loses no update when many writer processes run at once", async () => {
  await dokku(["apps:create", "web"]);
  const keys = Array.from({ length: 16 }, (_, i) => `KEY_${i}`);
  const results = await Promise.all(keys.map((key) => dokku(["config:set", "--no-restart", "web", `${key}=${key}`])));
  expect(results.map((r) => r.code)).toEqual(keys.map(() => 0));
  const config = (JSON.parse(readFileSync(path.join(stateDir, "state.json"), "utf8")) as { apps: Record<string, { config: Record<string, string> }> }).apps.web.config;
  for (const key of keys) expect(config[key]).toBe(key);
  const creates = await Promise.all(Array.from({ length: 8 }, () => dokku(["apps:create", "race"])));
  expect(creates.filter((r) => r.code === 0)).toHaveLength(1);
  expect(creates.filter((r) => r.stderr === " !     Name is already taken\n")).toHaveLength(7);
  expect(readFileSync(path.join(stateDir, "commands.jsonl"), "utf8").trim().split("\n")).toHaveLength(1 + keys.length + 8);
});
