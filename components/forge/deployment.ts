import type * as pulumi from "@pulumi/pulumi";
import { DynamicResource, type DynamicResourceKind } from "../dynamic-resource";
import { ForgeDeploymentProvider } from "./deployment-provider";

const PROVIDER_VERSION = 1;
const provider = new ForgeDeploymentProvider();
const KIND: DynamicResourceKind = { module: "forge", type: "Deployment", deleteBeforeReplace: false };

export interface ForgeDeploymentArgs {
  /** The Forge organization's slug. Required. */
  organization: pulumi.Input<string>;
  /** The server's id. Required. */
  serverId: pulumi.Input<number>;
  /** The site. Required. */
  siteId: pulumi.Input<string>;
  /** The deploy script (components/forge/deploy-script.ts). Required; a change deploys again. */
  script: pulumi.Input<string>;
  /** The commit (else ref) deployed. Required; a change deploys again. */
  revision: pulumi.Input<string>;
}

/** A Forge site's deploy script and its latest deployment (`pulumi-nodejs:dynamic/forge:Deployment`). */
export class ForgeDeployment extends DynamicResource {
  declare readonly deploymentId: pulumi.Output<string>;

  constructor(name: string, args: ForgeDeploymentArgs, opts?: pulumi.CustomResourceOptions) {
    super(KIND, provider, name, { ...args, version: PROVIDER_VERSION, deploymentId: undefined, status: undefined }, opts);
  }
}
