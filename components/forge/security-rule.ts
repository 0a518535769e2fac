import * as pulumi from "@pulumi/pulumi";
import { DynamicResource, type DynamicResourceKind } from "../dynamic-resource";
import { ForgeSecurityRuleProvider } from "./security-rule-provider";

const PROVIDER_VERSION = 1;
const provider = new ForgeSecurityRuleProvider();
// The hash of the credentials is secret too: a hash of a team's password is not for everyone who can read state.
const KIND: DynamicResourceKind = { module: "forge", type: "SecurityRule", deleteBeforeReplace: true, secretOutputs: ["credentialsHash"] };

export interface ForgeSecurityRuleArgs {
  /** The Forge organization's slug. Required. */
  organization: pulumi.Input<string>;
  /** The server's id. Required. */
  serverId: pulumi.Input<number>;
  /** The site to close. Required; a change replaces the rule. */
  siteId: pulumi.Input<string>;
  /** The site's domain (the environment's hostname). Required. */
  domain: pulumi.Input<string>;
  /** The rule's name, shown in browsers' login prompts (`names.app`). Required. */
  name: pulumi.Input<string>;
  /** The basic-auth user. Required. */
  user: pulumi.Input<string>;
  /** The basic-auth password. Required; kept secret, and never an output (a salted hash is what state compares). */
  password: pulumi.Input<string>;
}

/** HTTP basic auth over a whole Forge site, a security rule (`pulumi-nodejs:dynamic/forge:SecurityRule`). */
export class ForgeSecurityRule extends DynamicResource {
  declare readonly ruleId: pulumi.Output<string>;
  declare readonly user: pulumi.Output<string>;

  constructor(name: string, args: ForgeSecurityRuleArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      KIND,
      provider,
      name,
      {
        ...args,
        password: pulumi.secret(args.password),
        version: PROVIDER_VERSION,
        ruleId: undefined,
        path: undefined,
        status: undefined,
        credentialsHash: undefined,
        credentialsSalt: undefined,
        updatedAt: undefined,
      },
      opts,
    );
  }
}
