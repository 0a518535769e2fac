import { readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { projectRoot } from "../support/built";
import { plan } from "../support/evaluate";

/**
 * Every resource a shipped stack has today keeps its URN (type token, parent chain and name): moving a file, renaming
 * a class or re-parenting a component must not make `pulumi up` replace what already runs. The baseline was taken from
 * main before the change it guards; new resources may appear. To retire a URN on purpose (a resource really goes
 * away, or moves with an `aliases` entry), remove it from the baseline in the same commit and say why there.
 * `RESTANT_WRITE_URN_BASELINE=1` rewrites the file from the current program.
 */
const BASELINE = path.join(projectRoot, "test/unit/fixtures/urns.json");

const STACKS = [
  { stack: "production" },
  { stack: "staging" },
  { stack: "platform" },
  { stack: "pr-7", branch: "feat/checkout" },
  { branch: "Feature/Checkout-V2" },
];

async function currentUrns(): Promise<Record<string, string[]>> {
  const urns: Record<string, string[]> = {};
  for (const request of STACKS) {
    const result = await plan(request);
    urns[result.stack] = result.resources.map((r) => r.urn).sort();
  }
  return urns;
}

describe("URNs of every shipped stack", () => {
  it("keep every URN of the baseline", async () => {
    const current = await currentUrns();
    if (process.env.RESTANT_WRITE_URN_BASELINE === "1") writeFileSync(BASELINE, `${JSON.stringify(current, null, 2)}\n`);
    const baseline = JSON.parse(readFileSync(BASELINE, "utf8")) as Record<string, string[]>;
    expect(Object.keys(current).sort()).toEqual(Object.keys(baseline).sort());
    for (const [stack, urns] of Object.entries(baseline)) {
      const now = new Set(current[stack]);
      expect(urns.filter((urn) => !now.has(urn)), `URNs of ${stack} that changed or disappeared`).toEqual([]);
    }
  });
});
