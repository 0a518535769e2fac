import { randomBytes } from "node:crypto";
import type * as provider from "@pulumi/pulumi/provider";
import { madeUpOutputs } from "../../../scripts/plan/made-up-outputs";
import type { CloudFile } from "./cloud-file";
import { REPLACE_ON_CHANGE } from "./replace-keys";
import { sameValue, urnParts } from "./wire-values";

type Props = Record<string, unknown>;

/**
 * A stand-in for one Terraform-bridged provider package (cloudflare, github, grafana, sentry, random), which cannot be
 * built here: it keeps what it creates in a JSON "cloud" and answers with the inputs plus the outputs the offline
 * plan's mocks make up (scripts/plan/made-up-outputs.ts), so `pulumi up`, refresh and destroy run through the real
 * engine. Secrecy of outputs comes from the real SDK classes (their `additionalSecretOutputs`), not from here.
 */
export class BridgedStandIn implements provider.Provider {
  constructor(
    readonly version: string,
    private readonly cloud: CloudFile,
  ) {}

  async check(_urn: string, _olds: Props, news: Props): Promise<provider.CheckResult> {
    return { inputs: news };
  }

  async diff(_id: string, urn: string, olds: Props, news: Props): Promise<provider.DiffResult> {
    const { type, name } = urnParts(urn);
    const made = new Set(Object.keys(madeUpOutputs(type, name)));
    const keys = new Set([...Object.keys(olds), ...Object.keys(news)].filter((key) => !made.has(key)));
    const changed = [...keys].filter((key) => !sameValue(olds[key], news[key]));
    const replaceKeys = REPLACE_ON_CHANGE[type] ?? [];
    const replaces = replaceKeys.includes("*") ? changed : changed.filter((key) => replaceKeys.includes(key));
    return { changes: changed.length > 0, replaces };
  }

  async create(urn: string, inputs: Props): Promise<provider.CreateResult> {
    const { type, name } = urnParts(urn);
    const id = `${name}-${randomBytes(4).toString("hex")}`;
    const outputs = { ...inputs, ...madeUpOutputs(type, name) };
    this.cloud.put(id, { type, urn, inputs, outputs });
    return { id, outs: outputs };
  }

  /** What the cloud holds now; an empty id when the resource is gone, as the engine expects. */
  async read(id: string): Promise<provider.ReadResult> {
    const record = this.cloud.get(id);
    if (!record) return { id: "", props: {} };
    return { id, props: record.outputs, inputs: record.inputs };
  }

  async update(id: string, urn: string, _olds: Props, news: Props): Promise<provider.UpdateResult> {
    const { type, name } = urnParts(urn);
    const outputs = { ...news, ...madeUpOutputs(type, name) };
    this.cloud.put(id, { type, urn, inputs: news, outputs });
    return { outs: outputs };
  }

  async delete(id: string): Promise<void> {
    this.cloud.remove(id);
  }
}
