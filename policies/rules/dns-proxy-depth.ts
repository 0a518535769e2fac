import type { StackValidationPolicy } from "@pulumi/policy";
import { depthBelow, fullRecordName } from "../dns-names";
import { stringListProp, stringProp } from "../props";
import { CERTIFICATE_PACK, DNS_RECORD } from "../resource-types";
import { environmentSpecOf, zoneOf } from "../stack-spec";

/**
 * Cloudflare's Universal SSL covers the apex and one level below only: a proxied record deeper than that has no edge
 * certificate and every HTTPS request to it fails, unless an Advanced Certificate covers it.
 */
export const dnsProxyDepth: StackValidationPolicy = {
  name: "dns-proxy-depth",
  description:
    "A proxied Cloudflare record is at most one label below its zone unless the stack declares an Advanced Certificate, " +
    "so every proxied hostname has an edge certificate.",
  enforcementLevel: "mandatory",
  validateStack: (args, reportViolation) => {
    const zone = zoneOf(args.resources);
    const declared = environmentSpecOf(args.resources)?.dns.advancedCertificate === true;
    const certificateHosts = args.resources.filter((r) => r.type === CERTIFICATE_PACK).flatMap((r) => stringListProp(r.props, "hosts"));
    for (const record of args.resources) {
      if (record.type !== DNS_RECORD || record.props.proxied !== true) continue;
      const name = stringProp(record.props, "name") ?? "";
      if (!zone || stringProp(record.props, "zoneId") !== zone.zoneId) {
        reportViolation(
          `proxied DNS record "${name}" (${record.name}) is in a zone this stack's spec does not name, so its depth cannot be ` +
            `checked: put the stack's records in restant:zoneId's zone, or do not proxy this record.`,
          record.urn,
        );
        continue;
      }
      const depth = depthBelow(name, zone.zone);
      if (depth <= 1 || declared || coveredBy(fullRecordName(name, zone.zone), certificateHosts)) continue;
      reportViolation(
        `proxied DNS record "${name}" is ${depth} labels below ${zone.zone}, and Cloudflare's Universal SSL covers only one ` +
          `level, so the host would have no edge certificate: set restant:dns.proxied to false, use a one-level hostname ` +
          `template such as "restant-{slug}.{zone}", or declare an Advanced Certificate (restant:dns.advancedCertificate: true).`,
        record.urn,
      );
    }
  },
};

/** A certificate host covers a name that equals it, or one label below a `*.` wildcard. */
function coveredBy(name: string, hosts: readonly string[]): boolean {
  return hosts.some((host) => host === name || (host.startsWith("*.") && name.slice(name.indexOf(".") + 1) === host.slice(2)));
}
