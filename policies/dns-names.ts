/** Cloudflare takes a record's name relative to its zone as well as fully qualified; policies compare the full form. */
export function fullRecordName(name: string, zone: string): string {
  const trimmed = name.replace(/\.$/, "").toLowerCase();
  if (trimmed === "@" || trimmed === zone) return zone;
  return trimmed.endsWith(`.${zone}`) ? trimmed : `${trimmed}.${zone}`;
}

/** How many labels a record sits below its zone: 0 for the apex, 1 for `x.zone`. */
export function depthBelow(name: string, zone: string): number {
  const full = fullRecordName(name, zone);
  return full === zone ? 0 : full.slice(0, -(zone.length + 1)).split(".").length;
}
