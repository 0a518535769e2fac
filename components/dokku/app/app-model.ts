import { DokkuTarget } from "../client/ssh-options";

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
  connection: DokkuTarget;
  appName: string;
  domains: string[];
  config: Record<string, string>;
  scale: AppScale;
  adopt: boolean;
  /** Changing it makes an update, which stores the current provider code in state. */
  version: string;
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
}

export const DEFAULT_SCALE: AppScale = { web: 1, worker: 0 };
