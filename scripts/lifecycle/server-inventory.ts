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
 * of previews whose stacks are gone. DokkuServerInventory is the real one; the reaper runs without any (and says the
 * server was not inspected) when no Dokku key is configured.
 */
export interface ServerInventory {
  list(): Promise<ServerResource[]>;
  remove(resource: ServerResource): Promise<void>;
}
