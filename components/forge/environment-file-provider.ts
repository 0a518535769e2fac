import type * as pulumi from "@pulumi/pulumi";
import type { ProviderVersion } from "../dynamic-resource";
import { changedKeys, forgeClientFor, serverRefFailures } from "./provider-support";

export interface ForgeEnvironmentFileInputs {
  organization: string;
  serverId: number;
  siteId: string;
  /** The whole .env (secret: it holds the app's keys). */
  content: string;
  version: ProviderVersion;
}

export type ForgeEnvironmentFileOutputs = ForgeEnvironmentFileInputs;

/**
 * A site's .env file (type `pulumi-nodejs:dynamic/forge:EnvironmentFile`), written whole with one PUT and read back,
 * so a line edited by hand shows as drift and the next `up` writes the file again. Deleting it writes nothing: the
 * file goes with its site.
 */
export class ForgeEnvironmentFileProvider implements pulumi.dynamic.ResourceProvider<ForgeEnvironmentFileInputs, ForgeEnvironmentFileOutputs> {
  async check(_olds: ForgeEnvironmentFileInputs, news: ForgeEnvironmentFileInputs): Promise<pulumi.dynamic.CheckResult<ForgeEnvironmentFileInputs>> {
    const failures = serverRefFailures(news);
    if (typeof news.siteId !== "string" || news.siteId === "") failures.push({ property: "siteId", reason: "must be the Forge site's id" });
    if (typeof news.content !== "string") failures.push({ property: "content", reason: "must be the .env text" });
    return { inputs: news, failures };
  }

  async diff(_id: string, olds: ForgeEnvironmentFileOutputs, news: ForgeEnvironmentFileInputs): Promise<pulumi.dynamic.DiffResult> {
    const replaces = changedKeys(olds, news, ["organization", "serverId", "siteId"]).map(String);
    const changed = [...replaces, ...changedKeys(olds, news, ["content", "version"]).map(String)];
    return { changes: changed.length > 0, replaces };
  }

  async create(inputs: ForgeEnvironmentFileInputs): Promise<pulumi.dynamic.CreateResult<ForgeEnvironmentFileOutputs>> {
    const { client } = forgeClientFor(inputs);
    if ((await client.getEnvironmentFile(inputs.siteId)) !== inputs.content) await client.putEnvironmentFile(inputs.siteId, inputs.content);
    return { id: inputs.siteId, outs: inputs };
  }

  async read(id: string, props?: ForgeEnvironmentFileOutputs): Promise<pulumi.dynamic.ReadResult<ForgeEnvironmentFileOutputs>> {
    if (!props) return { id: "", props: undefined };
    const { client } = forgeClientFor(props);
    const content = await client.getEnvironmentFile(props.siteId);
    return content === undefined ? { id: "", props: undefined } : { id, props: { ...props, content } };
  }

  async update(_id: string, _olds: ForgeEnvironmentFileOutputs, news: ForgeEnvironmentFileInputs): Promise<pulumi.dynamic.UpdateResult<ForgeEnvironmentFileOutputs>> {
    const { client } = forgeClientFor(news);
    if ((await client.getEnvironmentFile(news.siteId)) !== news.content) await client.putEnvironmentFile(news.siteId, news.content);
    return { outs: news };
  }

  async delete(): Promise<void> {
    // The .env goes with its site; a file left on a site that stays is the app's configuration, not to be blanked.
  }
}
