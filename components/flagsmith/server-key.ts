import * as pulumi from "@pulumi/pulumi";
import { FlagsmithServerKeyProvider } from "./server-key-provider";
import { DynamicResource, type DynamicResourceKind } from "../dynamic-resource";

/**
 * Raise when the provider's code changes: read and delete run the code stored at the last create or update.
 * 2: the API's address is the `apiUrl` input, no longer FLAGSMITH_API_URL (an in-place update stores both).
 */
const PROVIDER_VERSION = 2;

/** One instance: Pulumi caches the serialized text per provider object. */
const provider = new FlagsmithServerKeyProvider();

export interface FlagsmithServerKeyArgs {
  /** The client-side key of the environment the key belongs to. Required; changing it replaces the key. */
  environmentApiKey: pulumi.Input<string>;
  /** The key's name in Flagsmith's UI. Required; changing it renames in place. */
  name: pulumi.Input<string>;
  /** The Flagsmith API's URL (restant:flagsmith.apiUrl). Required; changing it updates in place. */
  apiUrl: pulumi.Input<string>;
}

const KIND: DynamicResourceKind = { module: "flagsmith", type: "ServerKey", deleteBeforeReplace: false, secretOutputs: ["key"] };

/**
 * A server-side SDK key (`ser.…`) of a Flagsmith environment (type `pulumi-nodejs:dynamic/flagsmith:ServerKey`):
 * the app's FLAGSMITH_ENVIRONMENT_KEY. The key is a secret in outputs and state.
 */
export class FlagsmithServerKey extends DynamicResource {
  /** The `ser.…` key, secret. */
  declare readonly key: pulumi.Output<string>;
  /** Flagsmith's numeric id of the key. */
  declare readonly keyId: pulumi.Output<number>;

  constructor(name: string, args: FlagsmithServerKeyArgs, opts?: pulumi.CustomResourceOptions) {
    // Key names are not unique, so a replacement may come first; the key itself stays encrypted in state.
    super(
      KIND,
      provider,
      name,
      { ...args, version: PROVIDER_VERSION, key: undefined, keyId: undefined, active: undefined },
      opts,
    );
    // additionalSecretOutputs has the engine encrypt it in state; wrapping marks it secret in this program too, where
    // nothing else would before the engine answers (previews, mocks, anything the key flows into).
    this.key = pulumi.secret(this.key);
  }
}
