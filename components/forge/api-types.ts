/**
 * Forge's organization API (https://forge.laravel.com/api, documented at /api/docs.openapi) answers JSON:API:
 * `{ data: { id, type, attributes } }` with string ids, lists with cursor pagination in `meta.next_cursor`.
 * Only the attributes the providers read are typed here.
 */
export interface JsonApiResource<A> {
  id: string;
  type: string;
  attributes: A;
}

export interface JsonApiDocument<A> {
  data: JsonApiResource<A>;
}

export interface JsonApiList<A> {
  data: JsonApiResource<A>[];
  meta?: { next_cursor?: string | null };
}

/** What asynchronous resources report while Forge works on them. */
export type ForgeStatus = "installing" | "installed" | "removing" | "failed" | string;

export interface ForgeSiteAttributes {
  /** The site's primary domain. */
  name: string;
  status: ForgeStatus;
  url?: string;
  /** The Linux user the site runs as (its own for an isolated site, else `forge`). */
  user: string;
  isolated: boolean;
  web_directory: string;
  root_directory?: string;
  php_version: string;
  app_type?: string;
  repository?: { provider?: string; url?: string; branch?: string; status?: ForgeStatus } | null;
  deployment_status?: string | null;
}

export interface ForgeDomainAttributes {
  name: string;
  type: "primary" | "alias" | string;
  status: ForgeStatus;
}

export interface ForgeDatabaseAttributes {
  name: string;
  status: ForgeStatus;
}

export interface ForgeDatabaseUserAttributes {
  name: string;
  status: ForgeStatus;
  database_ids?: number[];
}

export interface ForgeBackgroundProcessAttributes {
  name?: string;
  command: string;
  user: string;
  directory: string | null;
  processes: number;
  status: ForgeStatus;
}

export interface ForgeCertificateAttributes {
  type: "letsencrypt" | string;
  verification_method?: string;
  request_status?: string;
  status: ForgeStatus;
}

export interface ForgeDeploymentAttributes {
  commit?: { hash?: string | null; branch?: string | null } | null;
  /** queued, deploying, finished, failed, … */
  status: string;
  started_at?: string | null;
  ended_at?: string | null;
}

export interface ForgeDeploymentScriptAttributes {
  content: string;
  auto_source?: boolean;
}

export interface ForgeEnvironmentAttributes {
  content: string;
}

/** A site's security rule (nginx basic auth). Forge never answers with its credentials. */
export interface ForgeSecurityRuleAttributes {
  name: string;
  /** The protected path; null protects the whole site. */
  path: string | null;
  status: ForgeStatus | null;
  created_at: string;
  /** Moves whenever the rule is changed, by the API or in Forge's dashboard. */
  updated_at: string;
}
