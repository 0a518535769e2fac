import type * as pulumi from "@pulumi/pulumi";
import type { DokkuTarget } from "../client/ssh-options";
import { DynamicResource, type DynamicResourceKind } from "../../dynamic-resource";
import { mysqlLinkProvider } from "./mysql-link-provider";

/** Stored provider code's version: bump when the provider changes, so `up` rolls it forward for read and delete. */
export const MYSQL_LINK_PROVIDER_VERSION = 1;

export interface MysqlLinkArgs {
  /** The Dokku server (host, port, login user, pinned host key). The private key comes from the environment. */
  target: pulumi.Input<DokkuTarget>;
  /** The dokku-mysql service (`names.mysqlService`). */
  service: pulumi.Input<string>;
  /** The app that gets DATABASE_URL (`names.app`). */
  app: pulumi.Input<string>;
}

const KIND: DynamicResourceKind = { module: "dokku", type: "MysqlLink", deleteBeforeReplace: true };

/** `mysql:link` of a service to an app, as its own step. Type token `pulumi-nodejs:dynamic/dokku:MysqlLink`. */
export class MysqlLink extends DynamicResource {
  constructor(name: string, args: MysqlLinkArgs, opts?: pulumi.CustomResourceOptions) {
    super(KIND, mysqlLinkProvider, name, { version: MYSQL_LINK_PROVIDER_VERSION, ...args }, opts);
  }
}
