import * as pulumi from "@pulumi/pulumi";
import { mysqlServiceProvider } from "./mysql-service-provider";
import type { DokkuTarget } from "../client/ssh-options";
import { DynamicResource, type DynamicResourceKind } from "../../dynamic-resource";

/** Stored provider code's version: bump when the provider changes, so `up` rolls it forward for read and delete. */
export const MYSQL_SERVICE_PROVIDER_VERSION = 3;

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
  /**
   * With cloneFrom: claim a member of the platform's warm pool first (registry, its Redis service, the member name
   * pattern, the environment's slug as holder and the app that will be linked), and clone `service` directly only
   * when the pool is empty. Default: always clone directly.
   */
  pool?: pulumi.Input<{ registry: string; redisService: string; memberPattern: string; holder: string; app: string }>;
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
  /** The service the environment uses: a claimed warm pool member, or `service`. */
  declare readonly serviceInUse: pulumi.Output<string>;
  /** "pool" (a warm pool member), "clone" (a direct clone: the pool was empty or is off), "empty" or "adopted". */
  declare readonly source: pulumi.Output<string>;

  constructor(name: string, args: MysqlServiceArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      KIND,
      mysqlServiceProvider,
      name,
      { version: MYSQL_SERVICE_PROVIDER_VERSION, tables: undefined, rows: undefined, linkedApps: undefined, snapshotTakenAt: undefined, serviceInUse: undefined, source: undefined, ...args },
      opts,
    );
  }
}
