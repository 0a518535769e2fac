import * as pulumi from "@pulumi/pulumi";
import * as sentry from "@pulumiverse/sentry";

export interface SentryClientKeyArgs {
  /** Sentry organization slug. */
  organization: string;
  /** Sentry project slug: every environment reports to the one Restant project. */
  project: string;
  /** The key's name (Sentry does not require names to be unique; ours are, from the spec). */
  keyName: string;
}

/**
 * The environment's own Sentry client key. Its DSN is a secret from end to end: the provider reports it as plain
 * text, so it is wrapped here and listed in additionalSecretOutputs so state keeps it encrypted too.
 */
export class SentryClientKey extends pulumi.ComponentResource {
  /** SENTRY_LARAVEL_DSN. */
  readonly dsn: pulumi.Output<string>;

  constructor(name: string, args: SentryClientKeyArgs, opts?: pulumi.ComponentResourceOptions) {
    super("restant:sentry:SentryClientKey", name, {}, opts);
    const key = new sentry.SentryKey(
      `${name}-key`,
      { organization: args.organization, project: args.project, name: args.keyName },
      { parent: this, additionalSecretOutputs: ["dsnPublic", "dsnSecret", "dsnCsp", "public", "secret"] },
    );
    this.dsn = pulumi.secret(key.dsnPublic);
    this.registerOutputs({});
  }
}
