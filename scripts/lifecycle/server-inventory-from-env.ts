import { dokkuPrivateKeyFromEnv } from "../../components/dokku/client";
import { loadStackSpec } from "../../infra/spec";
import { previewStack } from "../../infra/stacks";
import { stackConfig } from "../plan/stack-files";
import { DokkuServerInventory } from "./dokku-server-inventory";
import type { ServerInventory } from "./server-inventory";

/**
 * The real inventory when a Dokku key is configured (DOKKU_SSH_PRIVATE_KEY or _PATH, as the providers read it),
 * else undefined so the reaper says the server was not inspected. The server, the non-production Redis service and
 * the slot range come from the project's config: the platform stack's (what all environments share) and a preview's
 * spec (the range and registry previews claim from), derived by infra/ like every other name.
 */
export function serverInventoryFromEnv(env: NodeJS.ProcessEnv): ServerInventory | undefined {
  if (!env.DOKKU_SSH_PRIVATE_KEY?.trim() && !env.DOKKU_SSH_PRIVATE_KEY_PATH?.trim()) return undefined;
  const platform = loadStackSpec(stackConfig("platform"), { stack: "platform", origin: "stacks/Pulumi.platform.yaml" });
  // Any preview's spec carries the same range and registry; PR 1 on "main" stands for all of them.
  const sample = previewStack(1, "main");
  const preview = loadStackSpec(stackConfig(sample.stack, sample.config), { stack: sample.stack, origin: "synthesized preview (no file)" });
  if (platform.kind !== "platform" || preview.kind !== "preview") throw new Error("internal: unexpected stack kinds for the server inventory");
  if (platform.runtime?.kind !== "dokku") return undefined;
  if (preview.redis.mode !== "slot") throw new Error("internal: a preview claims a Redis slot");
  const { host, port, user, hostKey } = platform.runtime.dokku;
  return new DokkuServerInventory({
    ssh: { host, port, user, hostKey, privateKey: dokkuPrivateKeyFromEnv(env) },
    redis: { service: platform.redis.service, registry: preview.redis.registry, range: preview.redis.range },
  });
}
