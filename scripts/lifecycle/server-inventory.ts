/** Something on the shared server that belongs to one environment, named for its slug. */
export interface ServerResource {
  kind: "app" | "mysql" | "redis-slot";
  /** The name on the server: app or service name, or the Redis DB index as text. */
  name: string;
  /** The environment it belongs to (`pr-7`). */
  slug: string;
}

/**
 * What exists on the server, read without trusting Pulumi state or GitHub events, so the reaper can find leftovers
 * of previews whose stacks are gone. The real implementation (dokku `apps:list`, `mysql:list`, the Redis slot
 * registry, over the same SSH transport as the Dokku provider) is still to be written; until then the reaper
 * reconciles PRs against stacks only and says the server was not inspected.
 */
export interface ServerInventory {
  list(): Promise<ServerResource[]>;
  remove(resource: ServerResource): Promise<void>;
}
