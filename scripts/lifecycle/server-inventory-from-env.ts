import { dokkuPrivateKeyFromEnv } from "../../components/dokku/client";
import { ForgeClient } from "../../components/forge/client";
import { FORGE_API_URL } from "../../components/forge/settings-from-env";
import { DEFAULT_RETRY_POLICY } from "../../components/http/retry-policy";
import { type EnvironmentSpec, loadStackSpec, type PlatformSpec } from "../../infra/spec";
import { previewStack } from "../../infra/stacks";
import { stackConfig } from "../plan/stack-files";
import { DokkuServerInventory } from "./dokku-server-inventory";
import { ForgeServerInventory } from "./forge-server-inventory";
import type { ServerInventory } from "./server-inventory";

/**
 * The real inventory: Forge's when the platform runs on Forge and FORGE_API_TOKEN is set; Dokku's when a Dokku key is
 * configured (DOKKU_SSH_PRIVATE_KEY or _PATH, as the providers read it); else undefined so the reaper says the server
 * was not inspected. The server, the non-production Redis service and the slot range come from the project's config: the platform stack's (what all environments share) and a preview's
 * spec (the range and registry previews claim from), derived by infra/ like every other name.
 */
export function serverInventoryFromEnv(env: NodeJS.ProcessEnv): ServerInventory | undefined {
  const forge = forgeInventoryFromEnv(env);
  if (forge) return forge;
  if (!env.DOKKU_SSH_PRIVATE_KEY?.trim() && !env.DOKKU_SSH_PRIVATE_KEY_PATH?.trim()) return undefined;
  const platform = platformSpec();
  const preview = samplePreview();
  if (platform.runtime?.kind !== "dokku") return undefined;
  const { registry, range } = previewSlotClaims();
  const { host, port, user, hostKey } = platform.runtime.dokku;
  return new DokkuServerInventory({
    ssh: { host, port, user, hostKey, privateKey: dokkuPrivateKeyFromEnv(env) },
    redis: { service: platform.redis.service, registry, range },
    ...(preview.database.pool ? { pool: preview.database.pool } : {}),
  });
}

/** Any preview's spec: every one carries the same slot range, registry and pool; PR 1 on "main" stands for all of them. */
function samplePreview(): EnvironmentSpec {
  const sample = previewStack(1, "main");
  const preview = loadStackSpec(stackConfig(sample.stack, sample.config), { stack: sample.stack, origin: "synthesized preview (no file)" });
  if (preview.kind !== "preview") throw new Error("internal: unexpected stack kinds for the server inventory");
  return preview;
}

/** Where previews claim their Redis slots: the registry and range every preview's spec carries. */
function previewSlotClaims(): { registry: string; range: { first: number; last: number } } {
  const { redis } = samplePreview();
  if (redis.mode !== "slot") throw new Error("internal: a preview claims a Redis slot");
  return { registry: redis.registry, range: redis.range };
}

function platformSpec(): PlatformSpec {
  const platform = loadStackSpec(stackConfig("platform"), { stack: "platform", origin: "stacks/Pulumi.platform.yaml" });
  if (platform.kind !== "platform") throw new Error("internal: the platform stack is not of kind platform");
  return platform;
}

/**
 * The previews' Forge server's inventory when the platform stack runs on Forge (`restant:runtime: forge`) and FORGE_API_TOKEN is
 * set (FORGE_API_URL too, for a double), as the Forge providers read them.
 */
function forgeInventoryFromEnv(env: NodeJS.ProcessEnv): ServerInventory | undefined {
  const token = env.FORGE_API_TOKEN?.trim();
  if (!token) return undefined;
  const platform = platformSpec();
  if (platform.runtime?.kind !== "forge") return undefined;
  // Previews live on the previews' own server (restant:forge.previews), never on production's.
  const { previews } = platform.runtime.forge;
  const organization = previews?.organization ?? platform.runtime.forge.organization;
  const serverId = previews?.serverId ?? platform.runtime.forge.serverId;
  const connection = { apiUrl: env.FORGE_API_URL?.trim() || FORGE_API_URL, token };
  const client = new ForgeClient(connection, DEFAULT_RETRY_POLICY, { organization, serverId });
  // Their Redis slots too, when the previews' server's SSH key is here (as `up` reads it: FORGE_SSH_PRIVATE_KEY[_PATH]).
  const hasSshKey = Boolean(env.FORGE_SSH_PRIVATE_KEY?.trim() || env.FORGE_SSH_PRIVATE_KEY_PATH?.trim());
  if (previews === undefined || !hasSshKey) return new ForgeServerInventory(client);
  const { registry, range } = previewSlotClaims();
  const target = { host: previews.ssh.host, port: previews.ssh.port, user: "forge" as const, hostKey: previews.ssh.hostKey };
  return new ForgeServerInventory(client, { target, redisPort: previews.redisPort, registry, range });
}
