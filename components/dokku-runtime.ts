import * as pulumi from "@pulumi/pulumi";
import type { EnvironmentSpec } from "../infra/spec";
import { DokkuApp } from "./dokku/app";

export interface DokkuRuntimeArgs {
  /** The environment (infra/spec.ts); its runtime must be Dokku. */
  spec: EnvironmentSpec;
  /** The app's environment variables (components/laravel-config.ts), secrets already secret. */
  config: Record<string, pulumi.Input<string>>;
}

/** The environment on a Dokku server: the app with its domain, config and process scale, driven over SSH. */
export class DokkuRuntime extends pulumi.ComponentResource {
  readonly app: DokkuApp;

  constructor(name: string, args: DokkuRuntimeArgs, opts?: pulumi.ComponentResourceOptions) {
    super("restant:runtime:DokkuRuntime", name, {}, opts);
    const { spec } = args;
    if (spec.runtime.kind !== "dokku") throw new Error(`DokkuRuntime needs a Dokku runtime, got ${spec.runtime.kind}`);
    const { host, port, user, hostKey } = spec.runtime.dokku;
    this.app = new DokkuApp(
      `${name}-app`,
      {
        connection: { host, port, user, hostKey },
        appName: spec.names.dokkuApp,
        domains: [spec.hostname],
        config: args.config,
        scale: spec.app.scale,
      },
      { parent: this },
    );
    this.registerOutputs({});
  }
}
