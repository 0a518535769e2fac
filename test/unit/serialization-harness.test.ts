import { describe, expect, it } from "vitest";
import { requireBuilt } from "../support/built";

type Harness = typeof import("../support/serialized-provider");

describe("the serialization harness", () => {
  it("round-trips a provider compiled by tsc and refuses nothing it should keep", async () => {
    const { asPulumiHostRunsIt } = requireBuilt<Harness>("test/support/serialized-provider.ts");
    const secretLike = "module-level-" + "value";
    const provider = {
      async create(inputs: Record<string, unknown>) {
        return { id: "x", outs: { ...inputs, seen: typeof fetch } };
      },
    };
    const { text, provider: loaded } = await asPulumiHostRunsIt(provider);
    expect(text).not.toContain("__vite_ssr_import__");
    expect(text).not.toContain(secretLike);
    const result = await loaded.create!({ a: 1 });
    expect(result).toEqual({ id: "x", outs: { a: 1, seen: "function" } });
  });
});
