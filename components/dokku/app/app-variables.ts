import * as pulumi from "@pulumi/pulumi";
import type { DokkuTarget } from "../client/ssh-options";
import { DynamicResource, type DynamicResourceKind } from "../../dynamic-resource";
import { appVariablesProvider } from "./app-variables-provider";

/** Stored provider code's version: bump when the provider changes, so `up` rolls it forward for read and delete. */
export const APP_VARIABLES_PROVIDER_VERSION = 1;

export interface AppVariablesArgs {
  /** The Dokku server (host, port, login user, pinned host key). The private key comes from the environment. */
  target: pulumi.Input<DokkuTarget>;
  /** The app (`names.app`). */
  app: pulumi.Input<string>;
  /** The variables this step owns; values are secret in state. The app's own resource must list their keys in `setElsewhere`. */
  variables: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

const KIND: DynamicResourceKind = { module: "dokku", type: "AppVariables", deleteBeforeReplace: true, secretOutputs: ["variables"] };

/**
 * Variables set on an app by a step of their own, for values other services create (components/laravel-config.ts
 * LATE_VARIABLES). Type token `pulumi-nodejs:dynamic/dokku:AppVariables`.
 */
export class AppVariables extends DynamicResource {
  constructor(name: string, args: AppVariablesArgs, opts?: pulumi.CustomResourceOptions) {
    super(KIND, appVariablesProvider, name, { version: APP_VARIABLES_PROVIDER_VERSION, ...args, variables: pulumi.secret(args.variables) }, opts);
  }
}
