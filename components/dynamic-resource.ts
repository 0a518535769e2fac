import * as pulumi from "@pulumi/pulumi";

/**
 * The `version` input of every dynamic resource: bump it when its provider changes, so the next `up` stores the new
 * provider code in state (read and delete run the code stored at the last create or update).
 */
export type ProviderVersion = number;

/** What a dynamic resource fixes about itself, whatever options its caller passes. */
export interface DynamicResourceKind {
  /** Type token `pulumi-nodejs:dynamic/<module>:<type>`: policies match on it, and it is part of every URN. */
  module: string;
  type: string;
  /** The external name is unique (an app, a service, an environment): the old one goes before its replacement is made. */
  deleteBeforeReplace: boolean;
  /** Outputs the provider returns in plain text that must stay encrypted in state; callers can add, never remove. */
  secretOutputs?: string[];
}

/**
 * The caller's options with the kind's own, which callers can only strengthen: deleteBeforeReplace when either asks
 * for it, and the kind's secret outputs plus the caller's.
 */
export function dynamicResourceOptions(kind: DynamicResourceKind, opts?: pulumi.CustomResourceOptions): pulumi.CustomResourceOptions {
  const secretOutputs = [...new Set([...(kind.secretOutputs ?? []), ...(opts?.additionalSecretOutputs ?? [])])];
  const deleteBeforeReplace = kind.deleteBeforeReplace || opts?.deleteBeforeReplace === true;
  return { ...opts, deleteBeforeReplace, ...(secretOutputs.length > 0 ? { additionalSecretOutputs: secretOutputs } : {}) };
}

/** A dynamic resource of a given kind: one place for its type token, replacement order and secret outputs. */
export abstract class DynamicResource extends pulumi.dynamic.Resource {
  constructor(
    kind: DynamicResourceKind,
    provider: pulumi.dynamic.ResourceProvider,
    name: string,
    props: pulumi.Inputs,
    opts?: pulumi.CustomResourceOptions,
  ) {
    super(provider, name, props, dynamicResourceOptions(kind, opts), kind.module, kind.type);
  }
}
