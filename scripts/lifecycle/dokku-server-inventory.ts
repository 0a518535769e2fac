import { type DokkuRunner, isAppMissing, withDokkuSession, type DokkuSshOptions } from "../../components/dokku/client";
import { destroyMysqlIfPresent } from "../../components/dokku/mysql";
import { lookupSlot, releaseSlot, type SlotRange } from "../../components/dokku/redis";
import { previewSlugOwning } from "./preview-owner";
import type { ServerInventory, ServerResource } from "./server-inventory";

/** Where previews' things live on the Dokku server. */
export interface DokkuInventorySettings {
  /** The server and the key to log in with (the key is never logged). */
  ssh: DokkuSshOptions;
  /** The shared dokku-redis service, its slot registry hash, and the range previews claim slots in. */
  redis: { service: string; registry: string; range: SlotRange };
}

/**
 * What the Dokku server holds for previews: apps (`apps:list`), dokku-mysql services (`mysql:list`) and Redis slots
 * held by a preview's slug in the registry. Only names that are exactly a preview's derived name are listed, so the
 * reaper can never be pointed at production, staging or a branch. Removal is the teardown each resource's own
 * delete does, and is idempotent: a thing already gone is success.
 */
export class DokkuServerInventory implements ServerInventory {
  constructor(private readonly settings: DokkuInventorySettings) {}

  list(): Promise<ServerResource[]> {
    return withDokkuSession(this.settings.ssh, async (dokku) => [
      ...(await this.apps(dokku)),
      ...(await this.mysqlServices(dokku)),
      ...(await this.slots(dokku)),
    ]);
  }

  remove(resource: ServerResource): Promise<void> {
    return withDokkuSession(this.settings.ssh, (dokku) => this.removeWith(dokku, resource));
  }

  private async removeWith(dokku: DokkuRunner, resource: ServerResource): Promise<void> {
    // Refuse anything list() would not have returned: the caller's resource is data, not a licence.
    if (ownerOf(resource) !== resource.slug) throw new Error(`${resource.kind} ${resource.name} is not preview ${resource.slug}'s: not removed`);
    if (resource.kind === "app") {
      await dokku.run(["apps:destroy", "--force", resource.name]).catch((error: unknown) => {
        if (!isAppMissing(error)) throw error;
      });
    } else if (resource.kind === "mysql") {
      await destroyMysqlIfPresent(dokku, resource.name);
    } else {
      const { service, registry } = this.settings.redis;
      // Flushes and frees only while the preview still holds it; a slot already released or retaken is left alone.
      await releaseSlot(dokku, { registry, service, holder: resource.slug, slot: Number(resource.name) });
    }
  }

  private async apps(dokku: DokkuRunner): Promise<ServerResource[]> {
    const { stdout } = await dokku.run(["apps:list"]);
    return owned(lines(stdout).filter((line) => !line.startsWith("=====>")), "app");
  }

  private async mysqlServices(dokku: DokkuRunner): Promise<ServerResource[]> {
    const { stdout } = await dokku.run(["mysql:list"]);
    // `mysql:list` prints a header, then one service per line (older plugins add columns after the name).
    const names = lines(stdout)
      .filter((line) => !line.startsWith("=====>"))
      .map((line) => line.split(/\s+/)[0] ?? "");
    return owned(names, "mysql");
  }

  private async slots(dokku: DokkuRunner): Promise<ServerResource[]> {
    const { service, registry, range } = this.settings.redis;
    const found: ServerResource[] = [];
    for (let slot = range.first; slot <= range.last; slot++) {
      const { holder } = await lookupSlot(dokku, { registry, service, slot });
      if (holder !== null && previewSlugOwning(holder, (names) => names.slug) === holder) {
        found.push({ kind: "redis-slot", name: String(slot), slug: holder });
      }
    }
    return found;
  }
}

function lines(text: string): string[] {
  return text.split("\n").map((line) => line.trim()).filter((line) => line !== "");
}

function owned(names: readonly string[], kind: "app" | "mysql"): ServerResource[] {
  const resources: ServerResource[] = [];
  for (const name of names) {
    const slug = ownerOf({ kind, name });
    if (slug !== undefined) resources.push({ kind, name, slug });
  }
  return resources;
}

/** The preview whose derived name this is; a slot's owner is its registry holder, checked in the same way. */
function ownerOf(resource: Pick<ServerResource, "kind" | "name"> & { slug?: string }): string | undefined {
  if (resource.kind === "app") return previewSlugOwning(resource.name, (names) => names.app);
  if (resource.kind === "mysql") return previewSlugOwning(resource.name, (names) => names.mysqlService);
  if (!/^\d+$/.test(resource.name) || resource.slug === undefined) return undefined;
  return previewSlugOwning(resource.slug, (names) => names.slug);
}
