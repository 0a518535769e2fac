import { type DokkuRunner, isAppMissing, withDokkuSession, type DokkuSshOptions } from "../../components/dokku/client";
import { destroyMysqlIfPresent } from "../../components/dokku/mysql";
import { dropPoolMember, listPool, type WarmPool } from "../../components/dokku/mysql/pool-operations";
import { lookupSlot, releaseSlot, type SlotRange } from "../../components/dokku/redis";
import { previewSlugOwning } from "./preview-owner";
import type { ServerInventory, ServerResource } from "./server-inventory";

/** Where previews' things live on the Dokku server. */
export interface DokkuInventorySettings {
  /** The server and the key to log in with (the key is never logged). */
  ssh: DokkuSshOptions;
  /** The shared dokku-redis service, its slot registry hash, and the range previews claim slots in. */
  redis: { service: string; registry: string; range: SlotRange };
  /** The warm pool previews claim their databases from; absent when the pool is off. */
  pool?: WarmPool;
}

/**
 * What the Dokku server holds for previews: apps (`apps:list`), dokku-mysql services (`mysql:list`), warm pool members
 * a preview's slug holds in the pool's registry (their names are the members' own) and Redis slots held by a preview's
 * slug in the slot registry. Only names that are exactly a preview's derived name are listed, so the
 * reaper can never be pointed at production, staging or a branch. Removal is the teardown each resource's own
 * delete does, and is idempotent: a thing already gone is success.
 */
export class DokkuServerInventory implements ServerInventory {
  constructor(private readonly settings: DokkuInventorySettings) {}

  list(): Promise<ServerResource[]> {
    return withDokkuSession(this.settings.ssh, async (dokku) => [
      ...(await this.apps(dokku)),
      ...(await this.mysqlServices(dokku)),
      ...(await this.poolMembers(dokku)),
      ...(await this.slots(dokku)),
    ]);
  }

  remove(resource: ServerResource): Promise<void> {
    return withDokkuSession(this.settings.ssh, (dokku) => this.removeWith(dokku, resource));
  }

  private async removeWith(dokku: DokkuRunner, resource: ServerResource): Promise<void> {
    if (resource.kind === "pool-member") return this.removePoolMember(dokku, resource);
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

  /** Members the pool's registry records as claimed by a preview's slug: destroyed with the preview, never returned. */
  private async poolMembers(dokku: DokkuRunner): Promise<ServerResource[]> {
    const { pool } = this.settings;
    if (pool === undefined) return [];
    const pattern = new RegExp(pool.memberPattern);
    return Object.entries(await listPool(dokku, pool)).flatMap(([name, record]) =>
      record.state === "claimed" && record.holder !== undefined && pattern.test(name) && previewSlugOwning(record.holder, (names) => names.slug) === record.holder
        ? [{ kind: "pool-member" as const, name, slug: record.holder }]
        : [],
    );
  }

  /** Only while the registry still says the preview holds it (read again now): then destroyed and forgotten. */
  private async removePoolMember(dokku: DokkuRunner, resource: ServerResource): Promise<void> {
    const { pool } = this.settings;
    const record = pool === undefined ? undefined : (await listPool(dokku, pool))[resource.name];
    if (pool === undefined || record === undefined) return;
    if (record.state !== "claimed" || record.holder !== resource.slug || !new RegExp(pool.memberPattern).test(resource.name)) {
      throw new Error(`pool-member ${resource.name} is not preview ${resource.slug}'s: not removed`);
    }
    await destroyMysqlIfPresent(dokku, resource.name);
    await dropPoolMember(dokku, pool, resource.name, resource.slug);
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
