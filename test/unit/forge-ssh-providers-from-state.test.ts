import type * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { requireBuilt, requireBuiltFresh } from "../support/built";

// A canary in the Forge SSH key variables before anything of the providers is loaded: a key read at module level would
// be captured into the provider text Pulumi stores in state. The two providers that reach the previews' Forge server
// over SSH as forge (the snapshot copy, the Redis slot) must hold none of it and read the key only when they run.
const KEY_CANARY = "-----BEGIN OPENSSH PRIVATE KEY-----forge-canary-key-text";
const PATH_CANARY = "/nonexistent/forge-canary-key-path";
process.env.FORGE_SSH_PRIVATE_KEY = KEY_CANARY;
process.env.FORGE_SSH_PRIVATE_KEY_PATH = PATH_CANARY;

type Harness = typeof import("../support/serialized-provider");
type CloneModule = typeof import("../../components/forge/database-clone-provider");
type SlotModule = typeof import("../../components/forge/redis-slot-provider");
const { asPulumiHostRunsIt } = requireBuilt<Harness>("test/support/serialized-provider.ts");
const { ForgeDatabaseCloneProvider } = requireBuiltFresh<CloneModule>("components/forge/database-clone-provider.ts");
const { ForgeRedisSlotProvider } = requireBuiltFresh<SlotModule>("components/forge/redis-slot-provider.ts");

const HOST_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJdD7y3aLq454yWBdwLWbieU1ebz9/cu7/QEXn9OIeZJ";
const target = { host: "127.0.0.1", port: 1, user: "forge" as const, hostKey: HOST_KEY };
const copyState = { version: 1, target, database: "restant_pr_7", databaseId: "41", snapshot: "restant_snapshot", tables: 3, rows: 10, source: "copy" as const };
const slotState = { version: 1, target, redisPort: 6379, registry: "restant:redis-slots", holder: "pr-7", range: { first: 1, last: 15 }, slot: 3 };

let stored: Promise<{ name: string; text: string; provider: pulumi.dynamic.ResourceProvider; state: Record<string, unknown> }[]> | undefined;

/** Both providers serialized once and loaded back as the engine's dynamic-provider host does. */
function fromState() {
  stored ??= Promise.all([
    asPulumiHostRunsIt(new ForgeDatabaseCloneProvider()).then((loaded) => ({ name: "DatabaseClone", ...loaded, state: copyState })),
    asPulumiHostRunsIt(new ForgeRedisSlotProvider()).then((loaded) => ({ name: "RedisSlot", ...loaded, state: slotState })),
  ]);
  return stored;
}

describe("the Forge SSH providers (DatabaseClone, RedisSlot) as Pulumi stores and loads them", () => {
  it("hold no key text or key path, no vitest import, and require ssh2 inside their methods", async () => {
    for (const { name, text } of await fromState()) {
      expect(text, name).not.toContain("forge-canary-key");
      expect(text, name).not.toContain("__vite_ssr_import__");
      expect(text, name).not.toMatch(/^var .*= require\(/m);
      expect(text, name).toContain('require("ssh2")');
    }
  });

  it("read the key only when an operation runs, and name the variable to set", async () => {
    for (const { name, provider, state } of await fromState()) {
      delete process.env.FORGE_SSH_PRIVATE_KEY;
      delete process.env.FORGE_SSH_PRIVATE_KEY_PATH;
      await expect(provider.delete!("x", state), name).rejects.toThrow(
        /set FORGE_SSH_PRIVATE_KEY \(the key text\) or FORGE_SSH_PRIVATE_KEY_PATH to reach the Forge server over SSH/,
      );
      await expect(provider.read!("x", state), name).rejects.toThrow(/set FORGE_SSH_PRIVATE_KEY/);
      process.env.FORGE_SSH_PRIVATE_KEY_PATH = PATH_CANARY;
      const unreadable = await provider.delete!("x", state).catch((error: unknown) => error as Error);
      expect(unreadable, name).toMatchObject({ message: "FORGE_SSH_PRIVATE_KEY_PATH names a file that cannot be read (ENOENT)" });
    }
  });
});
