/** dokku-mysql services: the dynamic resource, its provider, the operations over SSH and clone verification. */
export { MysqlService, type MysqlServiceArgs } from "./mysql-service";
export { mysqlServiceProvider } from "./mysql-service-provider";
export { destroyMysqlIfPresent } from "./mysql-operations";
export { MysqlLink, type MysqlLinkArgs } from "./mysql-link";
export { mysqlLinkProvider } from "./mysql-link-provider";
export { SNAPSHOT_TIME_TABLE, UNKNOWN_SNAPSHOT_TIME } from "./snapshot-time";
