/**
 * Inputs whose change makes the real provider replace the resource (ForceNew / RequiresReplace in the Terraform
 * providers these packages bridge), for the types this program uses. Everything else updates in place. `"*"`: every
 * input (terraform-provider-random's resources are all ForceNew).
 */
export const REPLACE_ON_CHANGE: Record<string, readonly string[]> = {
  "random:index/randomBytes:RandomBytes": ["*"],
  "random:index/randomPassword:RandomPassword": ["*"],
  "cloudflare:index/dnsRecord:DnsRecord": ["zoneId"],
  "github:index/repositoryEnvironment:RepositoryEnvironment": ["repository", "environment"],
  "github:index/repositoryEnvironmentDeploymentPolicy:RepositoryEnvironmentDeploymentPolicy": ["repository", "environment"],
  "github:index/actionsEnvironmentVariable:ActionsEnvironmentVariable": ["repository", "environment", "variableName"],
  "sentry:index/sentryKey:SentryKey": ["organization", "project"],
  "grafana:oss/folder:Folder": ["orgId"],
  "grafana:alerting/ruleGroup:RuleGroup": ["orgId", "folderUid", "name"],
  "grafana:alerting/contactPoint:ContactPoint": ["orgId"],
};
