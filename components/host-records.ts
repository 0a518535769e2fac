import * as cloudflare from "@pulumi/cloudflare";
import * as pulumi from "@pulumi/pulumi";

export interface HostRecordsArgs {
  /** Cloudflare zone id of the zone that holds the hostname. */
  zoneId: string;
  /** The full hostname, e.g. `restant.staging.example.com`. */
  hostname: string;
  /** Address of the runtime host: the A record's content. */
  ipv4: string;
  /** Address for an AAAA record. Default: none. */
  ipv6?: string;
  /** Proxy through Cloudflare. The config schema has already refused proxying a host Universal SSL cannot cover. */
  proxied: boolean;
  /** Seconds, or 1 for automatic. Proxied records are always automatic. */
  ttl: number;
  /** Shown on the record in Cloudflare's dashboard. */
  comment: string;
}

/** The DNS records that point an environment's hostname at its runtime host. */
export class HostRecords extends pulumi.ComponentResource {
  readonly ipv4Record: cloudflare.DnsRecord;
  readonly ipv6Record: cloudflare.DnsRecord | undefined;

  constructor(name: string, args: HostRecordsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("restant:dns:HostRecords", name, {}, opts);
    this.ipv4Record = this.createRecord(`${name}-a`, "A", args.ipv4, args);
    this.ipv6Record = args.ipv6 ? this.createRecord(`${name}-aaaa`, "AAAA", args.ipv6, args) : undefined;
    this.registerOutputs({});
  }

  private createRecord(name: string, type: "A" | "AAAA", content: string, args: HostRecordsArgs): cloudflare.DnsRecord {
    return new cloudflare.DnsRecord(
      name,
      {
        zoneId: args.zoneId,
        name: args.hostname,
        type,
        content,
        proxied: args.proxied,
        ttl: args.proxied ? 1 : args.ttl,
        comment: args.comment,
      },
      { parent: this },
    );
  }
}
