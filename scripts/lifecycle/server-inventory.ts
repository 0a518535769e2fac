/** Something on the shared server that belongs to one environment, named for its slug. */
export interface ServerResource {
  kind: "app" | "mysql" | "pool-member" | "redis-slot" | "forge-site" | "forge-database" | "forge-database-user" | "forge-background-process";
  /**
   * The name on the server: app or service name (a claimed warm pool member's own name), the Redis DB index as text; on Forge the site's user, the database's
   * or user's name, the background process's name.
   */
  name: string;
  /** The environment it belongs to (`pr-7`). */
  slug: string;
}

/**
 * What exists on the server, read without trusting Pulumi state or GitHub events, so the reaper can find leftovers
 * of previews whose stacks are gone. DokkuServerInventory and ForgeServerInventory are the real ones; the reaper runs
 * without any (and says the server was not inspected) when no key or token for the platform's runtime is configured.
 */
export interface ServerInventory {
  list(): Promise<ServerResource[]>;
  remove(resource: ServerResource): Promise<void>;
}
