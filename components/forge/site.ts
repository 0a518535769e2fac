import type * as pulumi from "@pulumi/pulumi";
import { DynamicResource, type DynamicResourceKind } from "../dynamic-resource";
import { ForgeSiteProvider } from "./site-provider";

/** Raise when the provider's code changes: read and delete run the code stored at the last create or update. */
const PROVIDER_VERSION = 1;
const provider = new ForgeSiteProvider();
const KIND: DynamicResourceKind = { module: "forge", type: "Site", deleteBeforeReplace: true };

export interface ForgeSiteArgs {
  /** The Forge organization's slug. Required. */
  organization: pulumi.Input<string>;
  /** The server's id. Required; a change replaces the site. */
  serverId: pulumi.Input<number>;
  /** The primary domain, the environment's hostname. Required; a change replaces the site. */
  domain: pulumi.Input<string>;
  /** nginx's web directory. Required (the stack's default is "/public"). */
  webDirectory: pulumi.Input<string>;
  /** PHP, as Forge names it ("php84"). Required. */
  phpVersion: pulumi.Input<string>;
  /** The site's own Linux user (`names.siteUser`). Required; a change replaces the site. */
  isolatedUser: pulumi.Input<string>;
  /** The git repository the site is made with; later changes go through the site's git settings. Required. */
  repository: pulumi.Input<string>;
  /** The branch the site is made with. Required. */
  branch: pulumi.Input<string>;
  /** Take over a site already serving the domain. Default false: such a site is refused. */
  adopt?: pulumi.Input<boolean>;
}

/** A Forge site (`pulumi-nodejs:dynamic/forge:Site`); FORGE_API_TOKEN is read from the engine's environment. */
export class ForgeSite extends DynamicResource {
  declare readonly siteId: pulumi.Output<string>;
  declare readonly domain: pulumi.Output<string>;
  /** The Linux user the site runs as. */
  declare readonly user: pulumi.Output<string>;

  constructor(name: string, args: ForgeSiteArgs, opts?: pulumi.CustomResourceOptions) {
    super(KIND, provider, name, { ...args, version: PROVIDER_VERSION, siteId: undefined, user: undefined }, opts);
  }
}
