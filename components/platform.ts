import * as pulumi from "@pulumi/pulumi";
import type { PlatformSpec } from "../infra/spec";
import { DokkuPlatform } from "./dokku-platform";
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
  /** The shared Redis, master snapshot and its refresh, Let's Encrypt settings; absent without a Dokku runtime. */
  readonly dokku: DokkuPlatform | undefined;

  constructor(name: string, args: PlatformArgs, opts?: pulumi.ComponentResourceOptions) {
    super("restant:platform:Platform", name, { spec: args.spec }, opts);
    this.previewLimit = args.spec.previewLimit;
    if (args.spec.grafana) new PlatformAlerting(`${name}-alerting`, { grafana: args.spec.grafana }, { parent: this });
    this.dokku = args.spec.runtime?.kind === "dokku" ? new DokkuPlatform(`${name}-dokku`, { spec: args.spec }, { parent: this }) : undefined;
    // The spec as outputs too: the engine's stack policies read a component's outputs, not its inputs.
    this.registerOutputs({ previewLimit: this.previewLimit, spec: args.spec });
  }
}
