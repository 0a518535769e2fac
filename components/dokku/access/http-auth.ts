import * as pulumi from "@pulumi/pulumi";
import { httpAuthProvider } from "./http-auth-provider";
import type { DokkuTarget } from "../client/ssh-options";
import { DynamicResource, type DynamicResourceKind } from "../../dynamic-resource";

/** Stored provider code's version: bump when the provider changes, so `up` rolls it forward for read and delete. */
export const HTTP_AUTH_PROVIDER_VERSION = 1;

export interface HttpAuthArgs {
  /** The Dokku server (host, port, login user, pinned host key). The private key comes from the environment. */
  target: pulumi.Input<DokkuTarget>;
  /** The Dokku app to close. */
  app: pulumi.Input<string>;
  /** The basic-auth user name. */
  user: pulumi.Input<string>;
  /** The basic-auth password; kept secret in state and outputs. */
  password: pulumi.Input<string>;
}

const KIND: DynamicResourceKind = { module: "dokku", type: "HttpAuth", deleteBeforeReplace: true, secretOutputs: ["password"] };

/** HTTP basic auth in front of a Dokku app (dokku-http-auth). Type token `pulumi-nodejs:dynamic/dokku:HttpAuth`. */
export class HttpAuth extends DynamicResource {
  declare readonly enabled: pulumi.Output<boolean>;

  constructor(name: string, args: HttpAuthArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      KIND,
      httpAuthProvider,
      name,
      { version: HTTP_AUTH_PROVIDER_VERSION, enabled: undefined, ...args, password: pulumi.secret(args.password) },
      opts,
    );
  }
}
