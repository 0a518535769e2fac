import * as pulumi from "@pulumi/pulumi";
import type { EnvironmentSpec } from "../infra/spec";
import { FlagsmithEnvironment } from "./flagsmith/environment";
import { FlagsmithServerKey } from "./flagsmith/server-key";

export interface FeatureFlagsArgs {
  /** Project, environment name and, for previews, the environment to clone (infra/spec.ts `flagsmith`). */
  flagsmith: NonNullable<EnvironmentSpec["flagsmith"]>;
}

/** The environment's own Flagsmith environment (a preview's cloned from staging's) and the app's server-side key. */
export class FeatureFlags extends pulumi.ComponentResource {
  /** FLAGSMITH_ENVIRONMENT_KEY: a `ser.…` key, secret. */
  readonly serverKey: pulumi.Output<string>;

  constructor(name: string, args: FeatureFlagsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("restant:flags:FeatureFlags", name, {}, opts);
    const { flagsmith } = args;
    const environment = new FlagsmithEnvironment(
      `${name}-environment`,
      {
        project: flagsmith.project,
        name: flagsmith.environmentName,
        apiUrl: flagsmith.apiUrl,
        ...(flagsmith.cloneFrom ? { cloneFrom: flagsmith.cloneFrom } : {}),
        ...(flagsmith.adopt ? { adopt: true } : {}),
      },
      { parent: this },
    );
    const key = new FlagsmithServerKey(
      `${name}-server-key`,
      { environmentApiKey: environment.apiKey, name: `${flagsmith.environmentName} app`, apiUrl: flagsmith.apiUrl },
      { parent: this },
    );
    this.serverKey = key.key;
    this.registerOutputs({});
  }
}
