import { DokkuFault } from "./faults";

/** What the double knows about one Dokku app: the files Dokku keeps under $DOKKU_ROOT/<app> and its properties. */
export interface AppState {
  createdAt: number;
  /** The app's ENV file. Dokku itself writes NO_VHOST here (domains plugin), so it shows in config:export. */
  config: Record<string, string>;
  /** The VHOST file, one domain a line. */
  domains: string[];
  /** The ps plugin's `scale` property: process type → quantity (web=1 after apps:create). */
  scale: Record<string, number>;
  /** Whether the app has a running release; restarts and scale deploys only happen when it has. */
  deployed: boolean;
  /** The last `git:sync` (repository and ref) and when it ran. */
  source?: { repository: string; ref: string; at: number; built: boolean };
  /**
   * The release the app's containers run: set by a build that passed its checks, kept when a later build fails its
   * health check (check-deploy stops the new containers and the old ones keep serving).
   */
  release?: { repository: string; ref: string; at: number };
  /**
   * Process types of the released code's Procfile (the ps plugin's process-specific Procfile), undefined while no
   * release has one: ps:scale then accepts any type, as Dokku does without a Procfile.
   */
  procfile?: string[];
  letsencrypt: {
    properties: Record<string, string>;
    /** The last certificate issued for the app; its files are under $DOKKU_ROOT/<app>/tls (state/tls-files.ts). */
    certificate?: { domains: string[]; issuedAt: number; expiresAt: number; sha256: string; configHash: string };
  };
  httpAuth: {
    enabled: boolean;
    /** user → sha256 of the password: the double never keeps a password in clear, as htpasswd does not. */
    users: Record<string, string>;
    allowedIps: string[];
  };
}

/** A dokku-mysql service, backed by a database and a user on the shared test MariaDB server. */
export interface MysqlService {
  createdAt: number;
  /** Database on the test server (namespaced so two state folders never share one). */
  database: string;
  user: string;
  password: string;
  /** The LINKS file: apps linked to this service. */
  links: string[];
}

/** A dokku-redis service, backed by the shared test Redis server (which accepts any password for `default`). */
export interface RedisService {
  createdAt: number;
  password: string;
  links: string[];
}

export interface DokkuState {
  version: 1;
  /** Random id of this server's state, prefixed to MariaDB names so concurrent doubles never collide. */
  namespace: string;
  apps: Record<string, AppState>;
  /** $DOKKU_ROOT/VHOST: global domains (none by default, so a new app gets NO_VHOST=1). */
  globalDomains: string[];
  letsencryptGlobal: Record<string, string>;
  /** Every certificate the double "issued", for Let's Encrypt's duplicate-certificate limit. */
  certificateIssuances: { domains: string[]; at: number }[];
  mysql: Record<string, MysqlService>;
  redis: Record<string, RedisService>;
  /** Restarts per app name, kept after the app is destroyed, reset by the harness. */
  restarts: Record<string, number>;
  /**
   * What the double knows of the code at a repository URL (the double fetches nothing): its Procfile's process types.
   * Set by tests (test/support/dokku-server.ts describeRepository); an undescribed repository has no Procfile.
   */
  repositories?: Record<string, { procfile?: string[] }>;
  /** Plugins taken off this server (`plugin:list` leaves them out): a server that lacks one. Default: none. */
  uninstalledPlugins?: string[];
  /** Failures injected by tests (test/support/dokku-server.ts injectFault). */
  faults?: DokkuFault[];
}

export function emptyState(): DokkuState {
  return {
    version: 1,
    namespace: "",
    apps: {},
    globalDomains: [],
    letsencryptGlobal: {},
    certificateIssuances: [],
    mysql: {},
    redis: {},
    restarts: {},
  };
}
