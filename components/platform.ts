import * as pulumi from "@pulumi/pulumi";
import type { PlatformSpec } from "../infra/spec";
import { PlatformAlerting } from "./platform-alerting";

export interface PlatformArgs {
  /** The platform stack's spec (infra/spec.ts). */
  spec: PlatformSpec;
}

/**
 * What every environment shares: the shared Redis service, the master snapshot service and its refresh, Grafana's
 * folder and contact points, the wildcard certificate. Environment stacks read it through a StackReference.
 */
export class Platform extends pulumi.ComponentResource {
  readonly previewLimit: number;

  constructor(name: string, args: PlatformArgs, opts?: pulumi.ComponentResourceOptions) {
    super("restant:platform:Platform", name, { spec: args.spec }, opts);
    this.previewLimit = args.spec.previewLimit;
    if (args.spec.grafana) new PlatformAlerting(`${name}-alerting`, { grafana: args.spec.grafana }, { parent: this });
    this.registerOutputs({ previewLimit: this.previewLimit });
  }
}
