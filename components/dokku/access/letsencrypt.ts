import * as pulumi from "@pulumi/pulumi";
import { letsEncryptProvider } from "./letsencrypt-provider";
import type { DokkuTarget } from "../client/ssh-options";
import { DynamicResource, type DynamicResourceKind } from "../../dynamic-resource";

/** Stored provider code's version: bump when the provider changes, so `up` rolls it forward for read and delete. */
export const LETSENCRYPT_PROVIDER_VERSION = 1;

export interface LetsEncryptArgs {
  /** The Dokku server (host, port, login user, pinned host key). The private key comes from the environment. */
  target: pulumi.Input<DokkuTarget>;
  /** The Dokku app, already deployed with its domains set. */
  app: pulumi.Input<string>;
  /** The hostnames to cover (the app's domains); a change asks for a new certificate. */
  domains: pulumi.Input<pulumi.Input<string>[]>;
  /** The e-mail Let's Encrypt registers the app's account with (restant:tls.email), set on the app before enable. No default. */
  email: pulumi.Input<string>;
}

const KIND: DynamicResourceKind = { module: "dokku", type: "LetsEncrypt", deleteBeforeReplace: true };

/** Let's Encrypt for a Dokku app's hostnames (HTTP-01). Type token `pulumi-nodejs:dynamic/dokku:LetsEncrypt`. */
export class LetsEncrypt extends DynamicResource {
  declare readonly active: pulumi.Output<boolean>;
  declare readonly expiration: pulumi.Output<string>;

  constructor(name: string, args: LetsEncryptArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      KIND,
      letsEncryptProvider,
      name,
      { version: LETSENCRYPT_PROVIDER_VERSION, active: undefined, expiration: undefined, ...args },
      opts,
    );
  }
}
