import type * as pulumi from "@pulumi/pulumi";
import { DynamicResource, type DynamicResourceKind } from "../dynamic-resource";
import { ForgeEnvironmentFileProvider } from "./environment-file-provider";

const PROVIDER_VERSION = 1;
const provider = new ForgeEnvironmentFileProvider();
const KIND: DynamicResourceKind = { module: "forge", type: "EnvironmentFile", deleteBeforeReplace: false, secretOutputs: ["content"] };

export interface ForgeEnvironmentFileArgs {
  /** The Forge organization's slug. Required. */
  organization: pulumi.Input<string>;
  /** The server's id. Required. */
  serverId: pulumi.Input<number>;
  /** The site whose .env this is. Required. */
  siteId: pulumi.Input<string>;
  /** The whole file (components/forge/dotenv.ts renders it). Required; secret in state. */
  content: pulumi.Input<string>;
}

/** A Forge site's .env (`pulumi-nodejs:dynamic/forge:EnvironmentFile`). */
export class ForgeEnvironmentFile extends DynamicResource {
  constructor(name: string, args: ForgeEnvironmentFileArgs, opts?: pulumi.CustomResourceOptions) {
    super(KIND, provider, name, { ...args, version: PROVIDER_VERSION }, opts);
  }
}
