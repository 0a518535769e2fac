import type * as pulumi from "@pulumi/pulumi";
import { DynamicResource, type DynamicResourceKind } from "../dynamic-resource";
import { ForgeDatabaseCloneProvider } from "./database-clone-provider";
import type { ForgeServerTarget } from "./server/server-target";

const PROVIDER_VERSION = 1;
const provider = new ForgeDatabaseCloneProvider();
const KIND: DynamicResourceKind = { module: "forge", type: "DatabaseClone", deleteBeforeReplace: true };

export interface ForgeDatabaseCloneArgs {
  /** The preview's Forge server over SSH (host, port, user "forge", pinned host key). Required. */
  target: pulumi.Input<ForgeServerTarget>;
  /** The preview's database (`names.mysqlDatabase`), made by a ForgeDatabase. Required. */
  database: pulumi.Input<string>;
  /** That ForgeDatabase's id: the copy waits for it and is made anew with a new database. Required. */
  databaseId: pulumi.Input<string>;
  /** The master snapshot's database on the same server (infra/names.ts snapshotDatabaseName). Required. */
  snapshot: pulumi.Input<string>;
}

/** A preview's database filled from the master snapshot and verified (`pulumi-nodejs:dynamic/forge:DatabaseClone`). */
export class ForgeDatabaseClone extends DynamicResource {
  declare readonly tables: pulumi.Output<number>;
  declare readonly rows: pulumi.Output<number>;
  declare readonly snapshotTakenAt: pulumi.Output<string | undefined>;
  declare readonly source: pulumi.Output<"copy">;

  constructor(name: string, args: ForgeDatabaseCloneArgs, opts?: pulumi.CustomResourceOptions) {
    super(KIND, provider, name, { ...args, version: PROVIDER_VERSION, tables: undefined, rows: undefined, snapshotTakenAt: undefined, source: undefined }, opts);
  }
}
