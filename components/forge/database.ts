import type * as pulumi from "@pulumi/pulumi";
import { DynamicResource, type DynamicResourceKind } from "../dynamic-resource";
import { ForgeDatabaseProvider } from "./database-provider";

const PROVIDER_VERSION = 1;
const provider = new ForgeDatabaseProvider();
const KIND: DynamicResourceKind = { module: "forge", type: "Database", deleteBeforeReplace: true };

export interface ForgeDatabaseArgs {
  /** The Forge organization's slug. Required. */
  organization: pulumi.Input<string>;
  /** The server's id. Required; a change replaces the database. */
  serverId: pulumi.Input<number>;
  /** The MySQL database (`names.mysqlDatabase`). Required; a change replaces it. */
  name: pulumi.Input<string>;
  /** Take over a database of that name. Default false: a taken name is refused. */
  adopt?: pulumi.Input<boolean>;
}

/** A MySQL database of a Forge server (`pulumi-nodejs:dynamic/forge:Database`). */
export class ForgeDatabase extends DynamicResource {
  declare readonly databaseId: pulumi.Output<string>;
  declare readonly name: pulumi.Output<string>;

  constructor(name: string, args: ForgeDatabaseArgs, opts?: pulumi.CustomResourceOptions) {
    super(KIND, provider, name, { ...args, version: PROVIDER_VERSION, databaseId: undefined }, opts);
  }
}
