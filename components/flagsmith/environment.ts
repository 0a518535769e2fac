import * as pulumi from "@pulumi/pulumi";
import { FlagsmithEnvironmentProvider } from "./environment-provider";
import { DynamicResource, type DynamicResourceKind } from "../dynamic-resource";

/**
 * Raise when the provider's code changes: read and delete run the code stored at the last create or update.
 * 2: the API's address is the `apiUrl` input, no longer FLAGSMITH_API_URL (an in-place update stores both).
 */
const PROVIDER_VERSION = 2;

/** One instance: Pulumi caches the serialized text per provider object. */
const provider = new FlagsmithEnvironmentProvider();

export interface FlagsmithEnvironmentArgs {
  /** Flagsmith project id. Required; changing it replaces the environment. */
  project: pulumi.Input<number>;
  /** The derived Flagsmith environment name, unique in the project. Required; changing it renames in place. */
  name: pulumi.Input<string>;
  /**
   * The Flagsmith API's URL (restant:flagsmith.apiUrl). Required: the provider reaches Flagsmith there, so no
   * FLAGSMITH_API_URL is needed in `pulumi`'s environment. Changing it updates in place.
   */
  apiUrl: pulumi.Input<string>;
  /**
   * Name of an environment in the same project to clone, flags and all (previews: staging's). Default: none, an
   * empty environment. Read only when the environment is made: changing it later does not re-clone.
   */
  cloneFrom?: pulumi.Input<string>;
  /**
   * Default false: a taken name is a clear error. True: an existing environment of that name is taken over, and
   * deleted with the stack like one it made.
   */
  adopt?: pulumi.Input<boolean>;
}

const KIND: DynamicResourceKind = { module: "flagsmith", type: "Environment", deleteBeforeReplace: true };

/**
 * A Flagsmith environment (type `pulumi-nodejs:dynamic/flagsmith:Environment`) at the `apiUrl` input's API. The
 * engine's host reads FLAGSMITH_ADMIN_API_KEY from its environment at each operation.
 */
export class FlagsmithEnvironment extends DynamicResource {
  /** The environment's name as Flagsmith has it. */
  declare readonly name: pulumi.Output<string>;
  declare readonly project: pulumi.Output<number>;
  /** The client-side environment key (public by design: browsers send it), used to make server-side keys. */
  declare readonly apiKey: pulumi.Output<string>;
  /** Flagsmith's numeric environment id. */
  declare readonly environmentId: pulumi.Output<number>;

  constructor(name: string, args: FlagsmithEnvironmentArgs, opts?: pulumi.CustomResourceOptions) {
    // Names are unique per project: the old environment must go before its replacement takes the name.
    super(
      KIND,
      provider,
      name,
      { ...args, version: PROVIDER_VERSION, apiKey: undefined, environmentId: undefined },
      opts,
    );
  }
}
