import { forgeApiError, isForgeStatus } from "./api-error";
import type {
  ForgeBackgroundProcessAttributes,
  ForgeCertificateAttributes,
  ForgeDatabaseAttributes,
  ForgeDatabaseUserAttributes,
  ForgeDeploymentAttributes,
  ForgeDeploymentScriptAttributes,
  ForgeDomainAttributes,
  ForgeEnvironmentAttributes,
  ForgeSecurityRuleAttributes,
  ForgeSiteAttributes,
  JsonApiDocument,
  JsonApiList,
  JsonApiResource,
} from "./api-types";
import { systemRetryClock, type RetryClock, type RetryPolicy } from "../http/retry-policy";
import { sendToForge, type ForgeAnswer, type ForgeConnection, type ForgeRequest } from "./transport";

/** The organization and server every path is under. */
export interface ForgeServerRef {
  /** The organization's slug. */
  organization: string;
  /** The server's id (a number; Forge's JSON:API ids are its decimal string). */
  serverId: number;
}

export type Site = JsonApiResource<ForgeSiteAttributes>;
export type Domain = JsonApiResource<ForgeDomainAttributes>;
export type Database = JsonApiResource<ForgeDatabaseAttributes>;
export type DatabaseUser = JsonApiResource<ForgeDatabaseUserAttributes>;
export type BackgroundProcess = JsonApiResource<ForgeBackgroundProcessAttributes>;
export type Certificate = JsonApiResource<ForgeCertificateAttributes>;
export type Deployment = JsonApiResource<ForgeDeploymentAttributes>;
export type SecurityRule = JsonApiResource<ForgeSecurityRuleAttributes>;

/** What a security rule is written with: a realm name, a path (null: the whole site) and who may pass. */
export interface SecurityRuleSpec {
  name: string;
  path: string | null;
  credentials: { username: string; password: string }[];
}

/** What a site is made with; `repository` and `branch` can only be changed afterwards through updateGit. */
export interface NewSite {
  name: string;
  web_directory: string;
  php_version: string;
  is_isolated: boolean;
  isolated_user?: string;
  repository?: string;
  branch?: string;
  project_type?: string;
}

export interface NewBackgroundProcess {
  name: string;
  command: string;
  user: string;
  directory: string;
  processes: number;
}

/**
 * Forge's organization API, as much as an environment's site needs. Knows nothing of Pulumi. Paths follow the
 * published reference (https://forge.laravel.com/api/docs.openapi): everything under /orgs/{organization}/servers/
 * {server}/…, except that a single site is read at /orgs/{organization}/sites/{site}.
 */
export class ForgeClient {
  constructor(
    private readonly connection: ForgeConnection,
    private readonly policy: RetryPolicy,
    private readonly at: ForgeServerRef,
    /** Waits for the rate limit and between retries, and their time budget: real time, or a test's clock. */
    private readonly clock: RetryClock = systemRetryClock(),
  ) {}

  private get server(): string {
    return `/orgs/${encodeURIComponent(this.at.organization)}/servers/${encodeURIComponent(String(this.at.serverId))}`;
  }

  private sitePath(siteId: string): string {
    return `${this.server}/sites/${encodeURIComponent(siteId)}`;
  }

  // Sites

  async getSite(siteId: string): Promise<Site | undefined> {
    return this.unlessMissing(() => this.document<ForgeSiteAttributes>(`/orgs/${encodeURIComponent(this.at.organization)}/sites/${encodeURIComponent(siteId)}`));
  }

  async listSites(): Promise<Site[]> {
    return this.list<ForgeSiteAttributes>(`${this.server}/sites`);
  }

  async siteNamed(name: string): Promise<Site | undefined> {
    return (await this.listSites()).find((site) => site.attributes.name === name);
  }

  /** 202: the site starts `installing`. */
  async createSite(site: NewSite): Promise<Site> {
    return this.created<ForgeSiteAttributes>(`${this.server}/sites`, { domain_mode: "custom", ...site }, () => this.siteNamed(site.name));
  }

  /** 202 with no body; the change is applied asynchronously. */
  async updateSite(siteId: string, changes: { php_version?: string; web_directory?: string }): Promise<void> {
    await this.send({ method: "PUT", path: this.sitePath(siteId), body: changes });
  }

  /** The site's repository after creation (the only way to change it). */
  async updateGit(siteId: string, git: { repository: string; branch: string }): Promise<void> {
    await this.send({ method: "PUT", path: `${this.sitePath(siteId)}/git`, body: { provider: "custom", ...git } });
  }

  /** False when it was already gone. */
  async deleteSite(siteId: string): Promise<boolean> {
    return this.deleted(this.sitePath(siteId));
  }

  // Domains and certificates (a certificate belongs to one of the site's domains)

  async domainNamed(siteId: string, name: string): Promise<Domain | undefined> {
    return (await this.list<ForgeDomainAttributes>(`${this.sitePath(siteId)}/domains`)).find((domain) => domain.attributes.name === name);
  }

  private certificatePath(siteId: string, domainId: string): string {
    return `${this.sitePath(siteId)}/domains/${encodeURIComponent(domainId)}/certificate`;
  }

  async getCertificate(siteId: string, domainId: string): Promise<Certificate | undefined> {
    return this.unlessMissing(() => this.document<ForgeCertificateAttributes>(this.certificatePath(siteId, domainId)));
  }

  /** A Let's Encrypt certificate by HTTP-01 (202, `installing`). */
  async requestLetsEncrypt(siteId: string, domainId: string): Promise<Certificate> {
    return this.created<ForgeCertificateAttributes>(
      this.certificatePath(siteId, domainId),
      { type: "letsencrypt", letsencrypt: { verification_method: "http-01", key_type: "ecdsa" } },
      () => this.getCertificate(siteId, domainId),
    );
  }

  async deleteCertificate(siteId: string, domainId: string): Promise<boolean> {
    return this.deleted(this.certificatePath(siteId, domainId));
  }

  // Databases and their users belong to the server

  async getDatabase(id: string): Promise<Database | undefined> {
    return this.unlessMissing(() => this.document<ForgeDatabaseAttributes>(`${this.server}/database/schemas/${encodeURIComponent(id)}`));
  }

  async listDatabases(): Promise<Database[]> {
    return this.list<ForgeDatabaseAttributes>(`${this.server}/database/schemas`);
  }

  async databaseNamed(name: string): Promise<Database | undefined> {
    return (await this.listDatabases()).find((database) => database.attributes.name === name);
  }

  async createDatabase(name: string): Promise<Database> {
    return this.created<ForgeDatabaseAttributes>(`${this.server}/database/schemas`, { name }, () => this.databaseNamed(name));
  }

  async deleteDatabase(id: string): Promise<boolean> {
    return this.deleted(`${this.server}/database/schemas/${encodeURIComponent(id)}`);
  }

  async getDatabaseUser(id: string): Promise<DatabaseUser | undefined> {
    return this.unlessMissing(() => this.document<ForgeDatabaseUserAttributes>(`${this.server}/database/users/${encodeURIComponent(id)}`));
  }

  async listDatabaseUsers(): Promise<DatabaseUser[]> {
    return this.list<ForgeDatabaseUserAttributes>(`${this.server}/database/users`);
  }

  async databaseUserNamed(name: string): Promise<DatabaseUser | undefined> {
    return (await this.listDatabaseUsers()).find((user) => user.attributes.name === name);
  }

  async createDatabaseUser(user: { name: string; password: string; database_ids: number[] }): Promise<DatabaseUser> {
    return this.created<ForgeDatabaseUserAttributes>(`${this.server}/database/users`, user, () => this.databaseUserNamed(user.name));
  }

  async updateDatabaseUser(id: string, changes: { password?: string; database_ids: number[] }): Promise<void> {
    await this.send({ method: "PUT", path: `${this.server}/database/users/${encodeURIComponent(id)}`, body: changes });
  }

  async deleteDatabaseUser(id: string): Promise<boolean> {
    return this.deleted(`${this.server}/database/users/${encodeURIComponent(id)}`);
  }

  // The site's .env

  async getEnvironmentFile(siteId: string): Promise<string | undefined> {
    const document = await this.unlessMissing(() => this.document<ForgeEnvironmentAttributes>(`${this.sitePath(siteId)}/environment`));
    return document?.attributes.content;
  }

  async putEnvironmentFile(siteId: string, content: string): Promise<void> {
    await this.send({ method: "PUT", path: `${this.sitePath(siteId)}/environment`, body: { environment: content } });
  }

  // Background processes (what Forge once called queue workers) belong to the server

  async getBackgroundProcess(id: string): Promise<BackgroundProcess | undefined> {
    return this.unlessMissing(() => this.document<ForgeBackgroundProcessAttributes>(`${this.server}/background-processes/${encodeURIComponent(id)}`));
  }

  async listBackgroundProcesses(): Promise<BackgroundProcess[]> {
    return this.list<ForgeBackgroundProcessAttributes>(`${this.server}/background-processes`);
  }

  async backgroundProcessNamed(name: string): Promise<BackgroundProcess | undefined> {
    return (await this.listBackgroundProcesses()).find((process) => process.attributes.name === name);
  }

  async createBackgroundProcess(process: NewBackgroundProcess): Promise<BackgroundProcess> {
    return this.created<ForgeBackgroundProcessAttributes>(
      `${this.server}/background-processes`,
      { ...process, startsecs: 1, stopwaitsecs: 15, stopsignal: "SIGTERM" },
      () => this.backgroundProcessNamed(process.name),
    );
  }

  async deleteBackgroundProcess(id: string): Promise<boolean> {
    return this.deleted(`${this.server}/background-processes/${encodeURIComponent(id)}`);
  }

  // Deployments

  async getDeploymentScript(siteId: string): Promise<string | undefined> {
    const document = await this.unlessMissing(() => this.document<ForgeDeploymentScriptAttributes>(`${this.sitePath(siteId)}/deployments/script`));
    return document?.attributes.content;
  }

  async putDeploymentScript(siteId: string, content: string): Promise<void> {
    await this.send({ method: "PUT", path: `${this.sitePath(siteId)}/deployments/script`, body: { content, auto_source: false } });
  }

  /** Starts a deployment (202, `queued`). Not retried after a failure that may have started one. */
  async deploy(siteId: string): Promise<Deployment> {
    const answer = await this.send({ method: "POST", path: `${this.sitePath(siteId)}/deployments` });
    return (answer.body as JsonApiDocument<ForgeDeploymentAttributes>).data;
  }

  async getDeployment(siteId: string, deploymentId: string): Promise<Deployment | undefined> {
    return this.unlessMissing(() => this.document<ForgeDeploymentAttributes>(`${this.sitePath(siteId)}/deployments/${encodeURIComponent(deploymentId)}`));
  }

  async getDeploymentLog(siteId: string, deploymentId: string): Promise<string> {
    const document = await this.document<{ output?: string; content?: string }>(`${this.sitePath(siteId)}/deployments/${encodeURIComponent(deploymentId)}/log`);
    return document.attributes.output ?? document.attributes.content ?? "";
  }

  // Security rules (basic auth in front of a site). Create, update and delete are asynchronous.

  private securityRulePath(siteId: string, ruleId?: string): string {
    return `${this.sitePath(siteId)}/security-rules${ruleId === undefined ? "" : `/${encodeURIComponent(ruleId)}`}`;
  }

  async getSecurityRule(siteId: string, ruleId: string): Promise<SecurityRule | undefined> {
    return this.unlessMissing(() => this.document<ForgeSecurityRuleAttributes>(this.securityRulePath(siteId, ruleId)));
  }

  async securityRuleNamed(siteId: string, name: string): Promise<SecurityRule | undefined> {
    return (await this.list<ForgeSecurityRuleAttributes>(this.securityRulePath(siteId))).find((rule) => rule.attributes.name === name);
  }

  /** 202: the rule starts `installing`. A path of null is left out, which protects the whole site. */
  async createSecurityRule(siteId: string, rule: SecurityRuleSpec): Promise<SecurityRule> {
    const { path, ...rest } = rule;
    return this.created<ForgeSecurityRuleAttributes>(this.securityRulePath(siteId), path === null ? rest : rule, () => this.securityRuleNamed(siteId, rule.name));
  }

  /** 202 with no body: the rule is written again, credentials and all (Forge keeps none it could merge). */
  async updateSecurityRule(siteId: string, ruleId: string, rule: SecurityRuleSpec): Promise<void> {
    await this.send({ method: "PUT", path: this.securityRulePath(siteId, ruleId), body: rule });
  }

  async deleteSecurityRule(siteId: string, ruleId: string): Promise<boolean> {
    return this.deleted(this.securityRulePath(siteId, ruleId));
  }

  // Plumbing

  private send(request: ForgeRequest): Promise<ForgeAnswer> {
    return sendToForge(this.connection, this.policy, request, this.clock);
  }

  private async document<A>(path: string): Promise<JsonApiResource<A>> {
    const answer = await this.send({ method: "GET", path });
    return (answer.body as JsonApiDocument<A>).data;
  }

  /** Every item of a list, its cursor pages followed. */
  private async list<A>(path: string): Promise<JsonApiResource<A>[]> {
    const all: JsonApiResource<A>[] = [];
    let cursor: string | null | undefined;
    for (let pages = 0; ; pages += 1) {
      if (pages >= 200) throw forgeApiError(`Forge's list at ${path} did not end after 200 pages`, 0, undefined);
      const query = `page[size]=100${cursor ? `&page[cursor]=${encodeURIComponent(cursor)}` : ""}`;
      const answer = await this.send({ method: "GET", path: `${path}?${query}` });
      const page = answer.body as JsonApiList<A>;
      all.push(...page.data);
      cursor = page.meta?.next_cursor;
      if (!cursor) return all;
    }
  }

  private async created<A>(path: string, body: unknown, find: () => Promise<JsonApiResource<A> | undefined>): Promise<JsonApiResource<A>> {
    const answer = await this.send({
      method: "POST",
      path,
      body,
      recover: async () => {
        const found = await find();
        return found ? { status: 200, body: { data: found } } : undefined;
      },
    });
    return (answer.body as JsonApiDocument<A>).data;
  }

  private async deleted(path: string): Promise<boolean> {
    return (await this.unlessMissing(() => this.send({ method: "DELETE", path }))) !== undefined;
  }

  private async unlessMissing<T>(call: () => Promise<T>): Promise<T | undefined> {
    try {
      return await call();
    } catch (error) {
      if (isForgeStatus(error, 404)) return undefined;
      throw error;
    }
  }
}

/** A status that means the asynchronous work ended badly. */
export function isFailedStatus(status: string): boolean {
  return status === "failed" || status === "error";
}
