/**
 * The type tokens the policies match. Dynamic resources each have their own token (design.md), so a policy can tell
 * an app from a database without importing the providers — the pack must load without the program's dependencies.
 */
export const TENANT_ENVIRONMENT = "restant:environment:TenantEnvironment";
export const PLATFORM = "restant:platform:Platform";

export const DOKKU_APP = "pulumi-nodejs:dynamic/dokku:App";
export const DOKKU_MYSQL_SERVICE = "pulumi-nodejs:dynamic/dokku:MysqlService";
export const DOKKU_MYSQL_LINK = "pulumi-nodejs:dynamic/dokku:MysqlLink";
export const DOKKU_REDIS_SLOT = "pulumi-nodejs:dynamic/dokku:RedisSlot";
export const DOKKU_REDIS_LINK = "pulumi-nodejs:dynamic/dokku:RedisLink";
export const DOKKU_REDIS_SERVICE = "pulumi-nodejs:dynamic/dokku:RedisService";
export const DOKKU_HTTP_AUTH = "pulumi-nodejs:dynamic/dokku:HttpAuth";
export const DOKKU_LETSENCRYPT = "pulumi-nodejs:dynamic/dokku:LetsEncrypt";
export const FLAGSMITH_ENVIRONMENT = "pulumi-nodejs:dynamic/flagsmith:Environment";
export const REMOTE_COMMAND = "command:remote:Command";
export const DNS_RECORD = "cloudflare:index/dnsRecord:DnsRecord";
export const CERTIFICATE_PACK = "cloudflare:index/certificatePack:CertificatePack";
export const RULE_GROUP = "grafana:alerting/ruleGroup:RuleGroup";

/** Resources that hold an environment's data: production's must survive a `pulumi destroy` or a replace. */
export const DATABASE_TYPES: ReadonlySet<string> = new Set([DOKKU_MYSQL_SERVICE]);

/** Resources that run the app, whose config holds the app's secrets and which previews must close to the public. */
export const APP_TYPES: ReadonlySet<string> = new Set([DOKKU_APP]);
