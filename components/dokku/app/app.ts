import * as pulumi from "@pulumi/pulumi";
import { dokkuAppProvider } from "./app-provider";
import type { DokkuTarget } from "../client/ssh-options";
import { DynamicResource, type DynamicResourceKind } from "../../dynamic-resource";

export interface DokkuAppArgs {
  /** The Dokku server and how to trust it. No default. The SSH private key comes from DOKKU_SSH_PRIVATE_KEY or DOKKU_SSH_PRIVATE_KEY_PATH where Pulumi runs. */
  target: pulumi.Input<DokkuTarget>;
  /** The Dokku app name, `^[a-z0-9][a-z0-9.-]*$`. No default. Changing it replaces the app (the old one is destroyed first). */
  appName: pulumi.Input<string>;
  /** The app's domains; the list replaces Dokku's (`domains:set`). No default; [] clears them. */
  domains: pulumi.Input<pulumi.Input<string>[]>;
  /** Config vars the app gets; values are secrets in state. Vars set by others (service links, Dokku) are left alone. No default. */
  config: pulumi.Input<Record<string, pulumi.Input<string>>>;
  /** Process counts. Default { web: 1, worker: 0 }. */
  scale?: pulumi.Input<{ web: number; worker: number }>;
  /** Take over an existing app this resource did not create. Default false: such an app is refused. */
  adopt?: pulumi.Input<boolean>;
  /**
   * Config keys whose value on the server wins once the app has one: set when missing, never overwritten (APP_KEY of
   * an adopted app). Default: none.
   */
  keepOnServer?: pulumi.Input<string[]>;
  /**
   * Config keys another resource sets on this app (AppVariables): this one never sets or unsets them, even those it
   * managed before. Default: none.
   */
  setElsewhere?: pulumi.Input<string[]>;
  /**
   * Config keys that change only with a new commit, whose deploy restarts the app (SENTRY_RELEASE): an update that
   * changes one restarts nothing itself (`--no-restart`), so a new commit restarts the app once. Default: none.
   */
  restartedByDeploy?: pulumi.Input<string[]>;
}

/**
 * Bump when the provider changes: the version is an input, so the next `up` runs an update and stores the new
 * provider code in state, which `read` and `delete` run (they use the code stored at the last create/update).
 */
export const DOKKU_APP_PROVIDER_VERSION = 2;

const KIND: DynamicResourceKind = { module: "dokku", type: "App", deleteBeforeReplace: true, secretOutputs: ["config"] };

/** A Dokku app, its domains, config vars and process scale, kept in step over SSH; `pulumi refresh` sees drift. */
export class DokkuApp extends DynamicResource {
  declare readonly target: pulumi.Output<DokkuTarget>;
  declare readonly appName: pulumi.Output<string>;
  declare readonly domains: pulumi.Output<string[]>;
  /** Secret: the config vars this resource manages, as on the server. */
  declare readonly config: pulumi.Output<Record<string, string>>;
  declare readonly scale: pulumi.Output<{ web: number; worker: number }>;
  declare readonly adopt: pulumi.Output<boolean>;
  declare readonly version: pulumi.Output<number>;

  constructor(name: string, args: DokkuAppArgs, opts?: pulumi.CustomResourceOptions) {
    const props = {
      target: args.target,
      appName: args.appName,
      domains: args.domains,
      config: pulumi.secret(args.config),
      scale: args.scale ?? { web: 1, worker: 0 },
      adopt: args.adopt ?? false,
      ...(args.keepOnServer !== undefined ? { keepOnServer: args.keepOnServer } : {}),
      ...(args.setElsewhere !== undefined ? { setElsewhere: args.setElsewhere } : {}),
      ...(args.restartedByDeploy !== undefined ? { restartedByDeploy: args.restartedByDeploy } : {}),
      version: DOKKU_APP_PROVIDER_VERSION,
    };
    // App names are unique per Dokku server; read-back config comes from the provider in plain text: keep it encrypted.
    super(
      KIND,
      dokkuAppProvider,
      name,
      props,
      opts,
    );
  }
}
