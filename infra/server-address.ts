import { isIP } from "node:net";

/**
 * Hosts as stack config writes them (a DNS name, an IPv4 or IPv6 address), compared in one spelling: the config check
 * and the policies both ask whether the previews' SSH host is production's server, and "2001:DB8::1" is
 * "2001:db8:0::1". node:net and the URL parser already know these spellings; nothing here re-implements them.
 */

/** The host in one spelling: lower case, no trailing dot, no brackets, an IPv6 address in its shortest form. */
export function canonicalHost(host: string): string {
  const bare = host.trim().toLowerCase().replace(/\.$/, "").replace(/^\[(.*)\]$/, "$1");
  return isIP(bare) === 6 ? new URL(`http://[${bare}]/`).hostname.slice(1, -1) : bare;
}

/** Whether the host is an IP address (v4 or v6) rather than a DNS name. */
export function isIpAddress(host: string): boolean {
  return isIP(canonicalHost(host)) !== 0;
}

/** The first of `addresses` that is `host` in another spelling, if any. */
export function sameHostAs(host: string, addresses: readonly string[]): string | undefined {
  const wanted = canonicalHost(host);
  return addresses.find((address) => canonicalHost(address) === wanted);
}
