/**
 * What a Forge organization holds, as the double keeps it: servers with their sites, databases, database users and
 * background processes; sites with domains, a certificate per domain, a .env, a deploy script and deployments.
 * Asynchronous work follows Forge: a write answers 202 and the record's status moves on by itself after `asyncMs`
 * (installing → installed, updating → installed, removing → gone, queued → deploying → finished), on the double's clock.
 */

import { wallClock, type ForgeDoubleClock } from "./clock";

export interface Timed {
  status: string;
  /** When the current status gives way to the next, ms since the epoch; undefined = it stays. */
  changesAt?: number;
  /** The status it moves to; "gone" removes the record. */
  next?: string;
}

export interface SiteRecord extends Timed {
  id: number;
  serverId: number;
  name: string;
  webDirectory: string;
  phpVersion: string;
  isolated: boolean;
  user: string;
  repository: { provider: string; url: string; branch: string } | null;
  environment: string;
  deployScript: string;
  domains: DomainRecord[];
  /** Basic-auth rules (Forge's security rules); they go with the site. */
  securityRules: SecurityRuleRecord[];
}

/**
 * A site's security rule: nginx basic auth on a path (null: the whole site). Forge writes the credentials to an
 * .htpasswd on the server and never shows them again; the double keeps them so tests can see what the server holds.
 */
export interface SecurityRuleRecord extends Timed {
  id: number;
  name: string;
  path: string | null;
  credentials: { username: string; password: string }[];
  createdAt: string;
  /** Moves with every change, whoever makes it (the API or someone in Forge's dashboard). */
  updatedAt: string;
}

export interface DomainRecord {
  id: number;
  name: string;
  type: "primary" | "alias";
  certificate?: CertificateRecord;
}

export interface CertificateRecord extends Timed {
  id: number;
  requestStatus: string;
}

export interface DatabaseRecord extends Timed {
  id: number;
  serverId: number;
  name: string;
}

export interface DatabaseUserRecord extends Timed {
  id: number;
  serverId: number;
  name: string;
  password: string;
  databaseIds: number[];
}

export interface BackgroundProcessRecord extends Timed {
  id: number;
  serverId: number;
  name: string;
  command: string;
  user: string;
  directory: string;
  processes: number;
}

export interface DeploymentRecord extends Timed {
  id: number;
  siteId: number;
  commit: string;
  log: string;
}

export const PHP_VERSIONS = ["php81", "php82", "php83", "php84"];

export class ForgeState {
  readonly organization: string;
  readonly servers = new Set<number>();
  readonly sites: SiteRecord[] = [];
  readonly databases: DatabaseRecord[] = [];
  readonly databaseUsers: DatabaseUserRecord[] = [];
  /**
   * What Forge does on the server itself when a database is made or dropped (the double keeps only the record): a test
   * whose server is real MariaDB sets it, and a database is "installed" only once the server has it. Default: none.
   */
  serverDatabases: { create(name: string): Promise<void>; drop(name: string): Promise<void> } | undefined;
  readonly backgroundProcesses: BackgroundProcessRecord[] = [];
  readonly deployments: DeploymentRecord[] = [];
  /** How long asynchronous work takes, ms. */
  asyncMs = 20;
  /** Sites by name that never finish installing. */
  readonly stuckSites = new Set<string>();
  /** The next deployment fails with this log; cleared once used. */
  failNextDeploymentWith: string | undefined;
  private lastId = 1000;
  private readonly clock: ForgeDoubleClock;

  constructor(organization: string, servers: number[], clock: ForgeDoubleClock = wallClock) {
    this.organization = organization;
    this.clock = clock;
    for (const server of servers) this.servers.add(server);
  }

  nextId(): number {
    this.lastId += 1;
    return this.lastId;
  }

  /** Starts asynchronous work: the record shows `now` and becomes `next` after asyncMs. */
  startAsync(record: Timed, now: string, next: string, stuck = false): void {
    record.status = now;
    record.next = next;
    record.changesAt = stuck ? undefined : this.clock.now() + this.asyncMs;
  }

  /** Moves every record whose time has come, as Forge's queue would have by now. */
  settle(): void {
    this.settleAsOf(this.clock.now());
  }

  /** Finishes all asynchronous work that is not stuck, as Forge's queue eventually does, whatever the clock says. */
  finishPending(): void {
    this.settleAsOf(Number.POSITIVE_INFINITY);
  }

  private settleAsOf(now: number): void {
    const due = (record: Timed) => record.changesAt !== undefined && record.changesAt <= now;
    const advance = <T extends Timed>(list: T[]) => {
      for (let i = list.length - 1; i >= 0; i -= 1) {
        const record = list[i]!;
        if (!due(record)) continue;
        if (record.next === "gone") list.splice(i, 1);
        else this.advance(record);
      }
    };
    advance(this.sites);
    // A removed site takes its deployments with it, as Forge's do: nothing of it is left to list or read.
    for (let i = this.deployments.length - 1; i >= 0; i -= 1) if (!this.site(this.deployments[i]!.siteId)) this.deployments.splice(i, 1);
    advance(this.databases);
    advance(this.databaseUsers);
    advance(this.backgroundProcesses);
    for (const site of this.sites) {
      // As Laravel saves a model, a rule's status change moves its updated_at.
      for (const rule of site.securityRules) if (due(rule) && rule.next !== "gone") rule.updatedAt = new Date(rule.changesAt!).toISOString();
      advance(site.securityRules);
      for (const domain of site.domains) {
        if (domain.certificate && due(domain.certificate)) {
          if (domain.certificate.next === "gone") delete domain.certificate;
          else {
            this.advance(domain.certificate);
            domain.certificate.requestStatus = domain.certificate.status === "installed" ? "verified" : domain.certificate.requestStatus;
          }
        }
      }
    }
    for (const deployment of this.deployments) while (due(deployment)) this.advanceDeployment(deployment);
  }

  private advance(record: Timed): void {
    record.status = record.next ?? record.status;
    record.next = undefined;
    record.changesAt = undefined;
  }

  private advanceDeployment(deployment: DeploymentRecord): void {
    if (deployment.status === "queued") {
      deployment.status = "deploying";
      deployment.changesAt = deployment.changesAt! + this.asyncMs;
    } else {
      this.advance(deployment);
    }
  }

  /** The double's time as Forge writes timestamps (ISO 8601, UTC). */
  timestamp(): string {
    return new Date(this.clock.now()).toISOString();
  }

  site(id: number): SiteRecord | undefined {
    return this.sites.find((site) => site.id === id);
  }

  siteNamed(name: string): SiteRecord | undefined {
    return this.sites.find((site) => site.name === name);
  }
}
