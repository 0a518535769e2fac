/**
 * The type tokens the policies match. Dynamic resources each have their own token (design.md), so a policy can tell
 * an app from a database without importing the providers — the pack must load without the program's dependencies.
 */
export const TENANT_ENVIRONMENT = "restant:environment:TenantEnvironment";
export const PLATFORM = "restant:platform:Platform";

export const DOKKU_APP = "pulumi-nodejs:dynamic/dokku:App";
export const DOKKU_APP_VARIABLES = "pulumi-nodejs:dynamic/dokku:AppVariables";
export const DOKKU_MYSQL_SERVICE = "pulumi-nodejs:dynamic/dokku:MysqlService";
export const DOKKU_MYSQL_LINK = "pulumi-nodejs:dynamic/dokku:MysqlLink";
export const DOKKU_REDIS_SLOT = "pulumi-nodejs:dynamic/dokku:RedisSlot";
export const DOKKU_REDIS_LINK = "pulumi-nodejs:dynamic/dokku:RedisLink";
export const DOKKU_REDIS_SERVICE = "pulumi-nodejs:dynamic/dokku:RedisService";
export const DOKKU_HTTP_AUTH = "pulumi-nodejs:dynamic/dokku:HttpAuth";
export const DOKKU_LETSENCRYPT = "pulumi-nodejs:dynamic/dokku:LetsEncrypt";
export const FORGE_SITE = "pulumi-nodejs:dynamic/forge:Site";
export const FORGE_DATABASE = "pulumi-nodejs:dynamic/forge:Database";
export const FORGE_DATABASE_USER = "pulumi-nodejs:dynamic/forge:DatabaseUser";
export const FORGE_ENVIRONMENT_FILE = "pulumi-nodejs:dynamic/forge:EnvironmentFile";
export const FORGE_BACKGROUND_PROCESS = "pulumi-nodejs:dynamic/forge:BackgroundProcess";
export const FORGE_CERTIFICATE = "pulumi-nodejs:dynamic/forge:Certificate";
export const FORGE_DEPLOYMENT = "pulumi-nodejs:dynamic/forge:Deployment";
export const FORGE_SECURITY_RULE = "pulumi-nodejs:dynamic/forge:SecurityRule";
export const FORGE_DATABASE_CLONE = "pulumi-nodejs:dynamic/forge:DatabaseClone";
export const FORGE_REDIS_SLOT = "pulumi-nodejs:dynamic/forge:RedisSlot";
export const FLAGSMITH_ENVIRONMENT = "pulumi-nodejs:dynamic/flagsmith:Environment";
export const REMOTE_COMMAND = "command:remote:Command";
export const DNS_RECORD = "cloudflare:index/dnsRecord:DnsRecord";
export const CERTIFICATE_PACK = "cloudflare:index/certificatePack:CertificatePack";
export const RULE_GROUP = "grafana:alerting/ruleGroup:RuleGroup";

/*
 * The roles policies judge, each a set of type tokens: every runtime (Dokku, Forge) adds its own token to a role, and
 * a rule written against a role covers every runtime.
 */

/** Resources that run the app, whose config holds the app's secrets and which previews must close to the public. */
export const APP_TYPES: ReadonlySet<string> = new Set([DOKKU_APP, FORGE_SITE]);

/** Resources that set variables on an app besides the app itself: `{ app, variables }` (values other services make). */
export const APP_VARIABLES_TYPES: ReadonlySet<string> = new Set([DOKKU_APP_VARIABLES]);

/** Resources that hold an environment's data: production's must survive a `pulumi destroy` or a replace. */
export const DATABASE_TYPES: ReadonlySet<string> = new Set([DOKKU_MYSQL_SERVICE, FORGE_DATABASE]);

/** Resources that give an app a database made elsewhere (a preview's clone joined to its app). */
export const DATABASE_LINK_TYPES: ReadonlySet<string> = new Set([DOKKU_MYSQL_LINK]);

/** Resources that hold the app's configuration as one text (a Forge site's .env), judged like an app's config. */
export const CONFIG_FILE_TYPES: ReadonlySet<string> = new Set([FORGE_ENVIRONMENT_FILE]);

/** Database users an environment makes for its own database. */
export const DATABASE_USER_TYPES: ReadonlySet<string> = new Set([FORGE_DATABASE_USER]);

/** Resources that claim a logical Redis database on the non-production Redis for one environment. */
export const SLOT_TYPES: ReadonlySet<string> = new Set([DOKKU_REDIS_SLOT, FORGE_REDIS_SLOT]);

/** Resources that fill a preview's database (made by a DATABASE_TYPES resource) from the master snapshot: `{ database, snapshot }`. */
export const DATABASE_COPY_TYPES: ReadonlySet<string> = new Set([FORGE_DATABASE_CLONE]);

/** Resources that give an app a Redis service of its own (production, staging). */
export const REDIS_LINK_TYPES: ReadonlySet<string> = new Set([DOKKU_REDIS_LINK]);

/**
 * Resources that close an app behind HTTP basic auth with a `user` and a secret: Dokku's http-auth (`{ app, user,
 * password }`) and a Forge site's security rule (`{ domain, user, password }`, whose outputs keep a hash of the
 * credentials instead of the password).
 */
export const AUTH_TYPES: ReadonlySet<string> = new Set([DOKKU_HTTP_AUTH, FORGE_SECURITY_RULE]);

/** Where an auth resource's secret is: the password, or (a Forge rule's outputs) the hash of the credentials. */
export const AUTH_SECRET_INPUTS: readonly string[] = ["password", "credentialsHash"];

/** Resources that obtain a certificate for the app's domains. */
export const CERTIFICATE_TYPES: ReadonlySet<string> = new Set([DOKKU_LETSENCRYPT, FORGE_CERTIFICATE]);

/** The input that holds a resource's own name (an app's, a database's): roles share their checks, not their input names. */
const NAME_INPUTS: Readonly<Record<string, string>> = {
  [DOKKU_APP]: "appName",
  [DOKKU_MYSQL_SERVICE]: "service",
  [DOKKU_MYSQL_LINK]: "service",
  [FORGE_SITE]: "isolatedUser",
  [FORGE_DATABASE]: "name",
  [FORGE_DATABASE_USER]: "name",
  [FORGE_DATABASE_CLONE]: "database",
};

export function nameInputOf(type: string): string {
  return NAME_INPUTS[type] ?? "name";
}

/**
 * The input that says which app a resource is (an app) or closes (an auth): a Dokku app's name; a Forge site's domain,
 * which both the site and its security rule carry and which is known during a preview (the site's id is not).
 */
const APP_REFERENCE_INPUTS: Readonly<Record<string, string>> = {
  [DOKKU_APP]: "appName",
  [DOKKU_HTTP_AUTH]: "app",
  [FORGE_SITE]: "domain",
  [FORGE_SECURITY_RULE]: "domain",
};

export function appReferenceInputOf(type: string): string {
  return APP_REFERENCE_INPUTS[type] ?? "app";
}
