import { describe, expect, it } from "vitest";
import { previewSlugOwning } from "../../../scripts/lifecycle/preview-owner";
import { DokkuServerInventory } from "../../../scripts/lifecycle/dokku-server-inventory";
import { serverInventoryFromEnv } from "../../../scripts/lifecycle/server-inventory-from-env";
import { namesForSlug, slugForBranch } from "../../../infra/names";

describe("the reaper's server inventory from the environment", () => {
  it("is absent without a Dokku key, so the run says the server was not inspected", () => {
    expect(serverInventoryFromEnv({})).toBeUndefined();
    expect(serverInventoryFromEnv({ DOKKU_SSH_PRIVATE_KEY: "  " })).toBeUndefined();
  });

  it("is the Dokku inventory when the key is set, reading the target from the project's config", () => {
    expect(serverInventoryFromEnv({ DOKKU_SSH_PRIVATE_KEY: "not a real key" })).toBeInstanceOf(DokkuServerInventory);
  });

  it("says a key file that cannot be read without naming more than its error code", () => {
    expect(() => serverInventoryFromEnv({ DOKKU_SSH_PRIVATE_KEY_PATH: "no-such-key-file" })).toThrow(/cannot be read \(ENOENT\)/);
  });
});

describe("which preview a server name belongs to", () => {
  it("is the preview whose derived name it is exactly, and nobody else's", () => {
    expect(previewSlugOwning("restant-pr-7", (n) => n.app)).toBe("pr-7");
    expect(previewSlugOwning("pr-12", (n) => n.slug)).toBe("pr-12");
    for (const name of ["restant-main", "restant-staging", "restant-pr-0", "restant-pr-07", "restant-pr-7x", "xrestant-pr-7", "pr-7", "main"]) {
      expect(previewSlugOwning(name, (n) => n.app)).toBeUndefined();
    }
    // A branch literally named `pr-9` has a hashed slug: its names are not preview 9's.
    const branch = namesForSlug(slugForBranch("pr-9"));
    expect(previewSlugOwning(branch.app, (n) => n.app)).toBeUndefined();
    expect(previewSlugOwning(branch.slug, (n) => n.slug)).toBeUndefined();
  });
});
