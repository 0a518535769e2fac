import { DokkuTarget } from "../client/ssh-options";
import type { ProviderVersion } from "../../dynamic-resource";

/** Process counts the app runs: `web` serves HTTP, `worker` runs the Laravel queue. */
export interface AppScale {
  web: number;
  worker: number;
}

/**
 * A DokkuApp's inputs and outputs as the provider sees them (plain values: the engine strips secrets before a
 * dynamic provider runs). Outputs have the same shape, read back from the server.
 */
export interface AppProps {
  target: DokkuTarget;
  appName: string;
  domains: string[];
  config: Record<string, string>;
  scale: AppScale;
  adopt: boolean;
  /**
   * Config keys whose value on the server wins once the app has one: set when missing, never overwritten (an adopted
   * app's APP_KEY: another key would make everything Laravel encrypted unreadable). Absent in older state = none.
   */
  keepOnServer?: string[];
  /**
   * Config keys another resource sets on this app (an AppVariables step): never set or unset here, even when an older
   * version of this resource managed them. Absent in older state = none.
   */
  setElsewhere?: string[];
  /**
   * Config keys that change only together with the commit deployed (SENTRY_RELEASE): when one changes, the deploy that
   * follows restarts the app, so the update restarts nothing. Absent in older state = none.
   */
  restartedByDeploy?: string[];
  /** Changing it makes an update, which stores the current provider code in state. */
  version: ProviderVersion;
}

/** What the server says about one app, from its reports. */
export interface AppOnServer {
  domains: string[];
  /** Every config var, Dokku's own (NO_VHOST…) and linked services' included. */
  config: Record<string, string>;
  /** Process type → quantity (`ps:scale`). */
  scale: Record<string, number>;
  /** Whether a release is running: only then does a config change restart anything. */
  deployed: boolean;
  /** Whether the server has a global VHOST (`domains:report` global-enabled); absent is read as none. */
  globalVhosts?: boolean;
}

/**
 * Props as state may hold them: before the input was named `target` like every other Dokku resource's, DokkuApp
 * called it `connection`. Production's app was stored that way and must not be replaced or updated for the rename.
 */
export type StoredAppProps<T extends Partial<AppProps> = AppProps> = T & { connection?: DokkuTarget };

/** Stored props with an old `connection` read as `target`; props that already say `target` are returned as they are. */
export function withTarget<T extends Partial<AppProps>>(stored: StoredAppProps<T>): T {
  if (stored.target !== undefined || stored.connection === undefined) return stored;
  const { connection, ...rest } = stored;
  return { ...rest, target: connection } as unknown as T;
}

export const DEFAULT_SCALE: AppScale = { web: 1, worker: 0 };

/** The config to hold: `config`, with each keepOnServer key that `existing` already has taking that value. */
export function withKeptValues(config: Record<string, string>, existing: Record<string, string>, keepOnServer: readonly string[] | undefined): Record<string, string> {
  const held = { ...config };
  for (const key of keepOnServer ?? []) {
    if (key in held && Object.prototype.hasOwnProperty.call(existing, key)) held[key] = existing[key];
  }
  return held;
}
