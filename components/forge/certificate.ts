import type * as pulumi from "@pulumi/pulumi";
import { DynamicResource, type DynamicResourceKind } from "../dynamic-resource";
import { ForgeCertificateProvider } from "./certificate-provider";

const PROVIDER_VERSION = 1;
const provider = new ForgeCertificateProvider();
const KIND: DynamicResourceKind = { module: "forge", type: "Certificate", deleteBeforeReplace: true };

export interface ForgeCertificateArgs {
  /** The Forge organization's slug. Required. */
  organization: pulumi.Input<string>;
  /** The server's id. Required. */
  serverId: pulumi.Input<number>;
  /** The site. Required. */
  siteId: pulumi.Input<string>;
  /** The site's domain to certify (the hostname). Required. */
  domain: pulumi.Input<string>;
}

/** A Let's Encrypt certificate of a site's domain (`pulumi-nodejs:dynamic/forge:Certificate`). */
export class ForgeCertificate extends DynamicResource {
  declare readonly domain: pulumi.Output<string>;

  constructor(name: string, args: ForgeCertificateArgs, opts?: pulumi.CustomResourceOptions) {
    super(KIND, provider, name, { ...args, version: PROVIDER_VERSION, domainId: undefined, status: undefined }, opts);
  }
}
