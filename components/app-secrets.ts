import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";

export interface AppSecretsArgs {
  /** Also a password for HTTP basic auth (previews are closed to the public). Default: false. */
  basicAuth?: boolean;
  /** Also make a password for the database user the runtime makes (`spec.database.user`: Forge). Default: false. */
  databasePassword?: boolean;
  /**
   * The team's preview password (`restant:previewPassword`), used for basic auth instead of a generated one. Default:
   * none, a password generated for this environment.
   */
  teamPassword?: pulumi.Input<string>;
}

/**
 * The secrets an environment generates for itself: Laravel's APP_KEY, the database user's password where the runtime
 * makes that user and, for previews, the basic-auth password. Every output is a Pulumi secret, whatever the random
 * provider marks.
 */
export class AppSecrets extends pulumi.ComponentResource {
  /** Laravel APP_KEY: `base64:` and 32 random bytes. */
  readonly appKey: pulumi.Output<string>;
  /** Set only when asked for: dokku-mysql makes its own user and password. */
  readonly databasePassword: pulumi.Output<string> | undefined;
  /** Set only when basic auth was asked for. */
  readonly basicAuthPassword: pulumi.Output<string> | undefined;

  constructor(name: string, args: AppSecretsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("restant:secrets:AppSecrets", name, {}, opts);
    this.appKey = this.createAppKey(name);
    this.databasePassword = args.databasePassword ? this.createPassword(`${name}-database-password`, 32) : undefined;
    this.basicAuthPassword = args.basicAuth ? this.basicAuthPasswordOf(name, args.teamPassword) : undefined;
    this.registerOutputs({});
  }

  private createAppKey(name: string): pulumi.Output<string> {
    const bytes = new random.RandomBytes(`${name}-app-key`, { length: 32 }, { parent: this });
    return pulumi.secret(pulumi.interpolate`base64:${bytes.base64}`);
  }

  /** The team's password when it configured one (rotated by changing the secret), else one of this environment's own. */
  private basicAuthPasswordOf(name: string, teamPassword: pulumi.Input<string> | undefined): pulumi.Output<string> {
    if (teamPassword !== undefined) return pulumi.secret(teamPassword);
    return this.createPassword(`${name}-basic-auth-password`, 24);
  }

  /** Letters and digits only: the value travels through URLs (DATABASE_URL) and basic-auth headers unescaped. */
  private createPassword(name: string, length: number): pulumi.Output<string> {
    const password = new random.RandomPassword(name, { length, special: false }, { parent: this });
    return pulumi.secret(password.result);
  }
}
