import * as pulumi from "@pulumi/pulumi";
import { mysqlServiceProvider } from "./mysql-service-provider";
import type { DokkuTarget } from "../client/ssh-options";
import { DynamicResource, type DynamicResourceKind } from "../../dynamic-resource";

/** Stored provider code's version: bump when the provider changes, so `up` rolls it forward for read and delete. */
export const MYSQL_SERVICE_PROVIDER_VERSION = 2;

export interface MysqlServiceArgs {
  /** The Dokku server (host, port, login user, pinned host key). The private key comes from the environment. */
  target: pulumi.Input<DokkuTarget>;
  /** The dokku-mysql service name (`names.mysqlService`). */
  service: pulumi.Input<string>;
  /** The app to link, which gets DATABASE_URL and DB_URL. Default: none (the master snapshot is linked to no app). */
  app?: pulumi.Input<string>;
  /** Clone this service (the master snapshot) and verify the copy. Default: an empty service. */
  cloneFrom?: pulumi.Input<string>;
  /**
   * Take over the service when it already exists (made by hand before the stack): it is linked if it is not, and
   * nothing else is done to it or its data. Only matters to create. Default false: an existing service is refused.
   */
  adopt?: pulumi.Input<boolean>;
}

const KIND: DynamicResourceKind = { module: "dokku", type: "MysqlService", deleteBeforeReplace: true };

/**
 * A dokku-mysql service: `mysql:create`, or `mysql:clone` of the master snapshot proved identical (tables, row counts,
 * checksums) before it counts as created; linked to the app. Type token `pulumi-nodejs:dynamic/dokku:MysqlService`.
 */
export class MysqlService extends DynamicResource {
  declare readonly service: pulumi.Output<string>;
  declare readonly tables: pulumi.Output<number>;
  declare readonly rows: pulumi.Output<number>;
  declare readonly linkedApps: pulumi.Output<string[]>;
  /** A clone: when its snapshot's data was taken from production (ISO 8601 UTC); undefined when the snapshot recorded no time. */
  declare readonly snapshotTakenAt: pulumi.Output<string | undefined>;

  constructor(name: string, args: MysqlServiceArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      KIND,
      mysqlServiceProvider,
      name,
      { version: MYSQL_SERVICE_PROVIDER_VERSION, tables: undefined, rows: undefined, linkedApps: undefined, snapshotTakenAt: undefined, ...args },
      opts,
    );
  }
}
