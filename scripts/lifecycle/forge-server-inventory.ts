import type { ForgeClient } from "../../components/forge/client";
import { type EnvironmentNames, namesForSlug } from "../../infra/names";
import { previewSlugOwning } from "./preview-owner";
import type { ServerInventory, ServerResource } from "./server-inventory";

type ForgeKind = Extract<ServerResource["kind"], `forge-${string}`>;

/** How each kind of Forge resource is named for its environment (infra/names.ts). */
const NAME_OF: Record<ForgeKind, (names: EnvironmentNames) => string> = {
  "forge-site": (names) => names.siteUser,
  "forge-database": (names) => names.mysqlDatabase,
  "forge-database-user": (names) => names.mysqlUser,
  "forge-background-process": (names) => `${names.app}-queue`,
};

/**
 * What a Forge server holds for previews, read through Forge's API: sites (by their isolated user), databases,
 * database users and background processes whose name is exactly a preview's derived name, so the reaper can never be
 * pointed at production, staging or a branch. Removal deletes by the id found under that name now, and is idempotent.
 */
export class ForgeServerInventory implements ServerInventory {
  constructor(private readonly client: ForgeClient) {}

  async list(): Promise<ServerResource[]> {
    const [sites, databases, users, processes] = [
      await this.client.listSites(),
      await this.client.listDatabases(),
      await this.client.listDatabaseUsers(),
      await this.client.listBackgroundProcesses(),
    ];
    return [
      ...owned("forge-site", sites.filter((site) => site.attributes.isolated).map((site) => site.attributes.user)),
      ...owned("forge-database", databases.map((database) => database.attributes.name)),
      ...owned("forge-database-user", users.map((user) => user.attributes.name)),
      ...owned("forge-background-process", processes.map((process) => process.attributes.name ?? "")),
    ];
  }

  async remove(resource: ServerResource): Promise<void> {
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
}

function isForgeKind(kind: ServerResource["kind"]): kind is ForgeKind {
  return kind in NAME_OF;
}

/** The preview whose derived name this is; a worker's name is its app's with `-queue`, checked whole. */
function ownerOf(kind: ForgeKind, name: string): string | undefined {
  const stem = kind === "forge-background-process" ? name.replace(/-queue$/, "") : name;
  const slug = previewSlugOwning(stem, kind === "forge-background-process" ? (names) => names.app : NAME_OF[kind]);
  return slug !== undefined && NAME_OF[kind](namesForSlug(slug)) === name ? slug : undefined;
}

function owned(kind: ForgeKind, names: readonly string[]): ServerResource[] {
  const resources: ServerResource[] = [];
  for (const name of names) {
    const slug = ownerOf(kind, name);
    if (slug !== undefined) resources.push({ kind, name, slug });
  }
  return resources;
}
