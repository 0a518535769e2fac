/**
 * The ownership marker: a config var on the app naming the keys this provider manages. Its presence says the app was
 * made by a DokkuApp (create refuses any other existing app unless told to adopt it); its list lets read and update
 * leave alone the vars others set, such as DATABASE_URL from `mysql:link` or Dokku's own NO_VHOST.
 */
export const OWNERSHIP_KEY = "PULUMI_DOKKU_MANAGED_KEYS";

const MARKER_PREFIX = "v1:";

export function ownershipMarker(managedKeys: Iterable<string>): string {
  return `${MARKER_PREFIX}${[...new Set(managedKeys)].sort().join(",")}`;
}

/** The managed keys of an app's marker, or undefined when it has none (not ours, or a create cut short). */
export function managedKeysOf(config: Record<string, string>): string[] | undefined {
  const marker = Object.prototype.hasOwnProperty.call(config, OWNERSHIP_KEY) ? config[OWNERSHIP_KEY] : undefined;
  if (marker === undefined || !marker.startsWith(MARKER_PREFIX)) return undefined;
  return marker.slice(MARKER_PREFIX.length).split(",").filter((key) => key !== "");
}

/**
 * Config vars Dokku itself writes when an app is created: an app holding only these holds nothing of anyone's.
 * An array, not a Set: Pulumi's closure serializer keeps a captured Set's methods but loses its contents.
 */
const DOKKU_CREATION_KEYS: readonly string[] = ["NO_VHOST"];

/**
 * An app nobody has used: never deployed, no domains, no config but Dokku's own. Create claims such an app, because
 * it is what a create cut short between `apps:create` and setting the marker leaves behind; there is nothing in it
 * to lose. Anything else without the marker is someone else's.
 */
export function isPristine(app: { config: Record<string, string>; domains: string[]; deployed: boolean }): boolean {
  return !app.deployed && app.domains.length === 0 && Object.keys(app.config).every((key) => DOKKU_CREATION_KEYS.includes(key));
}
