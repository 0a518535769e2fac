import type { DokkuRunner } from "../../components/dokku/client/dokku-runner";
import { withForgeServerSession } from "../../components/dokku/client/target-session";
import { lookupSlotWith, releaseSlotWith, type SlotRange } from "../../components/dokku/redis/redis-slot-operations";
import type { ForgeClient } from "../../components/forge/client";
import { forgeRedisCli } from "../../components/forge/server/redis-on-server";
import type { ForgeServerTarget } from "../../components/forge/server/server-target";
import type { EnvironmentNames } from "../../infra/names";
import { previewSlugOwning } from "./preview-owner";
import type { ServerInventory, ServerResource } from "./server-inventory";

type ForgeKind = Extract<ServerResource["kind"], `forge-${string}`>;

/** How each kind of Forge resource is named for its environment (infra/names.ts). */
const NAME_OF: Record<ForgeKind, (names: EnvironmentNames) => string> = {
  "forge-site": (names) => names.siteUser,
  "forge-database": (names) => names.mysqlDatabase,
  "forge-database-user": (names) => names.mysqlUser,
  "forge-background-process": (names) => names.queueWorker,
};

/** The previews' Forge server's Redis over SSH as forge (infra/spec.ts ForgePreviewDataSpec), and where slots are recorded. */
export interface ForgeSlotSettings {
  target: ForgeServerTarget;
  redisPort: number;
  registry: string;
  range: SlotRange;
}

/**
 * What a Forge server holds for previews, read through Forge's API: sites (by their isolated user), databases,
 * database users and background processes whose name is exactly a preview's derived name, so the reaper can never be
 * pointed at production, staging or a branch. Removal deletes by the id found under that name now, and is idempotent.
 * With `slots` (the previews' server over SSH, FORGE_SSH_PRIVATE_KEY), also the Redis slots previews hold there:
 * removing one flushes and frees it, only while that preview still holds it.
 */
export class ForgeServerInventory implements ServerInventory {
  constructor(
    private readonly client: ForgeClient,
    private readonly slotSettings?: ForgeSlotSettings,
  ) {}

  async list(): Promise<ServerResource[]> {
    const [sites, databases, users, processes] = [
      await this.client.listSites(),
      await this.client.listDatabases(),
      await this.client.listDatabaseUsers(),
      await this.client.listBackgroundProcesses(),
    ];
    return [
      ...(this.slotSettings ? await this.slots(this.slotSettings) : []),
      ...owned("forge-site", sites.filter((site) => site.attributes.isolated).map((site) => site.attributes.user)),
      ...owned("forge-database", databases.map((database) => database.attributes.name)),
      ...owned("forge-database-user", users.map((user) => user.attributes.name)),
      ...owned("forge-background-process", processes.map((process) => process.attributes.name ?? "")),
    ];
  }

  async remove(resource: ServerResource): Promise<void> {
    if (resource.kind === "redis-slot" && this.slotSettings) return this.releaseSlot(this.slotSettings, resource);
    // Refuse anything list() would not have returned: the caller's resource is data, not a licence.
    if (!isForgeKind(resource.kind) || ownerOf(resource.kind, resource.name) !== resource.slug) {
      throw new Error(`${resource.kind} ${resource.name} is not preview ${resource.slug}'s: not removed`);
    }
    switch (resource.kind) {
      case "forge-site": {
        const site = (await this.client.listSites()).find((s) => s.attributes.isolated && s.attributes.user === resource.name);
        if (site) await this.client.deleteSite(site.id);
        return;
      }
      case "forge-database": {
        const database = await this.client.databaseNamed(resource.name);
        if (database) await this.client.deleteDatabase(database.id);
        return;
      }
      case "forge-database-user": {
        const user = await this.client.databaseUserNamed(resource.name);
        if (user) await this.client.deleteDatabaseUser(user.id);
        return;
      }
      case "forge-background-process": {
        const process = await this.client.backgroundProcessNamed(resource.name);
        if (process) await this.client.deleteBackgroundProcess(process.id);
      }
    }
  }

  /** Every slot of the range held by a preview (by its slug exactly), one redis-cli lookup each on one SSH connection. */
  private slots(settings: ForgeSlotSettings): Promise<ServerResource[]> {
    return withForgeServerSession(settings.target, async (shell: DokkuRunner) => {
      const cli = forgeRedisCli(shell, settings.redisPort);
      const found: ServerResource[] = [];
      for (let slot = settings.range.first; slot <= settings.range.last; slot++) {
        const { holder } = await lookupSlotWith(cli, { registry: settings.registry, slot, where: `${settings.target.host}'s Redis` });
        if (holder !== null && previewSlugOwning(holder, (names) => names.slug) === holder) found.push({ kind: "redis-slot", name: String(slot), slug: holder });
      }
      return found;
    });
  }

  /** Flushes and frees the slot in one step, only while the preview still holds it (the release script checks). */
  private async releaseSlot(settings: ForgeSlotSettings, resource: ServerResource): Promise<void> {
    const slot = Number(resource.name);
    if (!Number.isInteger(slot) || slot < settings.range.first || slot > settings.range.last || previewSlugOwning(resource.slug, (names) => names.slug) !== resource.slug) {
      throw new Error(`redis-slot ${resource.name} is not preview ${resource.slug}'s: not removed`);
    }
    await withForgeServerSession(settings.target, (shell) =>
      releaseSlotWith(forgeRedisCli(shell, settings.redisPort), { registry: settings.registry, holder: resource.slug, slot, where: `${settings.target.host}'s Redis` }),
    );
  }
}

function isForgeKind(kind: ServerResource["kind"]): kind is ForgeKind {
  return kind in NAME_OF;
}

/** The preview whose derived name this is, checked whole. */
function ownerOf(kind: ForgeKind, name: string): string | undefined {
  return previewSlugOwning(name, NAME_OF[kind]);
}

function owned(kind: ForgeKind, names: readonly string[]): ServerResource[] {
  const resources: ServerResource[] = [];
  for (const name of names) {
    const slug = ownerOf(kind, name);
    if (slug !== undefined) resources.push({ kind, name, slug });
  }
  return resources;
}
