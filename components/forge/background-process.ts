import type * as pulumi from "@pulumi/pulumi";
import { DynamicResource, type DynamicResourceKind } from "../dynamic-resource";
import { ForgeBackgroundProcessProvider } from "./background-process-provider";

const PROVIDER_VERSION = 1;
const provider = new ForgeBackgroundProcessProvider();
const KIND: DynamicResourceKind = { module: "forge", type: "BackgroundProcess", deleteBeforeReplace: true };

export interface ForgeBackgroundProcessArgs {
  /** The Forge organization's slug. Required. */
  organization: pulumi.Input<string>;
  /** The server's id. Required. */
  serverId: pulumi.Input<number>;
  /** A name unique on the server. Required. */
  name: pulumi.Input<string>;
  /** The command supervisor runs. Required; a change replaces the process. */
  command: pulumi.Input<string>;
  /** The Linux user it runs as (the site's). Required. */
  user: pulumi.Input<string>;
  /** Its working directory (the site's). Required. */
  directory: pulumi.Input<string>;
  /** How many copies run. Required. */
  processes: pulumi.Input<number>;
}

/** A supervised process of a Forge server, here a queue worker (`pulumi-nodejs:dynamic/forge:BackgroundProcess`). */
export class ForgeBackgroundProcess extends DynamicResource {
  declare readonly processId: pulumi.Output<string>;

  constructor(name: string, args: ForgeBackgroundProcessArgs, opts?: pulumi.CustomResourceOptions) {
    super(KIND, provider, name, { ...args, version: PROVIDER_VERSION, processId: undefined, status: undefined }, opts);
  }
}
