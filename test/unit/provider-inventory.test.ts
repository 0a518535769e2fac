import { readdirSync, readFileSync, statSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { projectRoot } from "../support/built";

// Every dynamic provider in components/ is written one way and driven from its serialized text by a test: a new
// provider that skips either fails here, naming itself.

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? filesUnder(full) : name.endsWith(".ts") ? [full] : [];
  });
}

const relative = (file: string) => path.relative(projectRoot, file);
const sources = filesUnder(path.join(projectRoot, "components")).map((file) => ({ file: relative(file), text: readFileSync(file, "utf8") }));
const tests = filesUnder(path.join(projectRoot, "test"))
  .filter((file) => file.endsWith(".test.ts"))
  .map((file) => ({ file: relative(file), text: readFileSync(file, "utf8") }));

/** `export const x: pulumi.dynamic.ResourceProvider<…> = {` and `export class X implements pulumi.dynamic.ResourceProvider<…>`. */
const PROVIDER = /export (?:const (\w+): pulumi\.dynamic\.ResourceProvider(<[^=]*>)? =|class (\w+)\s+implements pulumi\.dynamic\.ResourceProvider(<[^{]*>)?\s*\{)/g;

const providers = sources.flatMap(({ file, text }) =>
  [...text.matchAll(PROVIDER)].map((match) => ({ file, name: match[1] ?? match[3]!, typeArguments: match[2] ?? match[4] })),
);

describe("the dynamic providers in components/", () => {
  it("are found (the inventory itself can see them)", () => {
    expect(providers.map((p) => p.name)).toEqual(expect.arrayContaining(["dokkuAppProvider", "httpAuthProvider", "FlagsmithEnvironmentProvider"]));
    expect(providers.length).toBeGreaterThanOrEqual(10);
  });

  it("are each typed ResourceProvider<Inputs, Outputs>, so check, diff, create, read, update and delete agree on their shapes", () => {
    const untyped = providers.filter((p) => !/^<\s*\w+\s*,\s*\w+\s*>$/.test((p.typeArguments ?? "").trim())).map((p) => `${p.file}: ${p.name}`);
    expect(untyped).toEqual([]);
  });

  it("are each loaded from their serialized text by a test, as Pulumi's host loads them from state", () => {
    const serializingTests = tests.filter(({ text }) => text.includes("asPulumiHostRunsIt"));
    const untested = providers.filter((p) => !serializingTests.some(({ text }) => new RegExp(`\\b${p.name}\\b`).test(text))).map((p) => `${p.file}: ${p.name}`);
    expect(untested).toEqual([]);
  });
});
