import { describe, expect, it } from "vitest";
import { fitName } from "../../infra/names";
import { requireBuilt, requireBuiltFresh } from "../support/built";

type Harness = typeof import("../support/serialized-provider");
type Fixtures = typeof import("../support/capture-fixtures");

const { asPulumiHostRunsIt } = requireBuilt<Harness>("test/support/serialized-provider.ts");

/**
 * The harness every provider test relies on must see what a provider really carries into state. Each case here is a
 * provider that does carry the thing looked for, so a harness that lost it would fail.
 */
describe("the serialization harness", () => {
  it("shows a credential read at module level in the provider's text, and none when read inside the method", async () => {
    const token = `captured-${Date.now()}`;
    process.env.RESTANT_TEST_CAPTURED = token;
    try {
      const { providerCapturingAtLoad, providerReadingAtCall } = requireBuiltFresh<Fixtures>("test/support/capture-fixtures.ts");
      const atLoad = await asPulumiHostRunsIt(providerCapturingAtLoad);
      expect(atLoad.text).toContain(token);
      const atCall = await asPulumiHostRunsIt(providerReadingAtCall);
      expect(atCall.text).not.toContain(token);

      // Loaded back as the host loads it, the provider still works, reading the environment when it runs.
      expect(await atCall.provider.create({})).toEqual({ id: "x", outs: { authorized: true } });
      delete process.env.RESTANT_TEST_CAPTURED;
      expect(await atCall.provider.create({})).toEqual({ id: "x", outs: { authorized: false } });
      expect(await atLoad.provider.create({})).toEqual({ id: "x", outs: { authorized: true } }); // the stale copy
    } finally {
      delete process.env.RESTANT_TEST_CAPTURED;
    }
  });

  it("tells vitest's transform from tsc output: a provider written in a test file fails on __vite_ssr_import__", async () => {
    const transformed = {
      async create(inputs: Record<string, unknown>) {
        return { id: fitName("restant-x", 63, "-"), outs: inputs };
      },
    };
    // The transform turns `fitName` into a property of a module object the serializer must capture, and cannot.
    await expect(asPulumiHostRunsIt(transformed)).rejects.toThrow(/variable '__vite_ssr_import_\d+__'/);
    const { providerReadingAtCall } = requireBuilt<Fixtures>("test/support/capture-fixtures.ts");
    expect((await asPulumiHostRunsIt(providerReadingAtCall)).text).not.toContain("__vite_ssr_import");
  });
});
