import type * as pulumi from "@pulumi/pulumi";
import { DynamicResource, type DynamicResourceKind } from "../dynamic-resource";
import { ForgeDatabaseUserProvider } from "./database-user-provider";

const PROVIDER_VERSION = 1;
const provider = new ForgeDatabaseUserProvider();
const KIND: DynamicResourceKind = { module: "forge", type: "DatabaseUser", deleteBeforeReplace: true, secretOutputs: ["password"] };

export interface ForgeDatabaseUserArgs {
  /** The Forge organization's slug. Required. */
  organization: pulumi.Input<string>;
  /** The server's id. Required. */
  serverId: pulumi.Input<number>;
  /** The MySQL user (`names.mysqlUser`). Required; a change replaces it. */
  name: pulumi.Input<string>;
  /** Its password, a secret. Required; a change is sent in place. */
  password: pulumi.Input<string>;
  /** The Forge ids of the databases it may use. Required. */
  databaseIds: pulumi.Input<pulumi.Input<string>[]>;
}

/** A MySQL user of a Forge server (`pulumi-nodejs:dynamic/forge:DatabaseUser`); its password stays secret in state. */
export class ForgeDatabaseUser extends DynamicResource {
  declare readonly userId: pulumi.Output<string>;
  declare readonly name: pulumi.Output<string>;

  constructor(name: string, args: ForgeDatabaseUserArgs, opts?: pulumi.CustomResourceOptions) {
    super(KIND, provider, name, { ...args, version: PROVIDER_VERSION, userId: undefined }, opts);
  }
}
