import type * as pulumi from "@pulumi/pulumi";
import type { ProviderVersion } from "../dynamic-resource";
import { isFailedStatus } from "./client";
import { changedKeys, forgeClientFor, serverRefFailures } from "./provider-support";
import { waitFor } from "./wait-for";

export interface ForgeBackgroundProcessInputs {
  organization: string;
  serverId: number;
  /** A name unique on the server: `names.queueWorker` (infra/names.ts). */
  name: string;
  command: string;
  /** The Linux user it runs as: the site's isolated user. */
  user: string;
  /** Where it runs: the site's directory. */
  directory: string;
  processes: number;
  version: ProviderVersion;
}

export interface ForgeBackgroundProcessOutputs extends ForgeBackgroundProcessInputs {
  processId: string;
  status: string;
}

const SETTINGS = ["name", "command", "user", "directory", "processes"] as const;

/**
 * A supervised background process on a Forge server (type `pulumi-nodejs:dynamic/forge:BackgroundProcess`): the
 * environment's queue worker, since the organization API has no "workers". Any changed setting replaces it (the
 * old one stops first); one stopped or edited by hand reads back as drift.
 */
export class ForgeBackgroundProcessProvider implements pulumi.dynamic.ResourceProvider<ForgeBackgroundProcessInputs, ForgeBackgroundProcessOutputs> {
  async check(_olds: ForgeBackgroundProcessInputs, news: ForgeBackgroundProcessInputs): Promise<pulumi.dynamic.CheckResult<ForgeBackgroundProcessInputs>> {
    const failures = serverRefFailures(news);
    if (typeof news.name !== "string" || news.name === "") failures.push({ property: "name", reason: "must name the process" });
    if (typeof news.command !== "string" || news.command.trim() === "") failures.push({ property: "command", reason: "must be the command to run" });
    if (typeof news.directory !== "string" || !news.directory.startsWith("/")) failures.push({ property: "directory", reason: "must be an absolute path" });
    if (!Number.isInteger(news.processes) || news.processes < 1 || news.processes > 32) failures.push({ property: "processes", reason: "must be a whole number from 1 to 32" });
    return { inputs: news, failures };
  }

  async diff(_id: string, olds: ForgeBackgroundProcessOutputs, news: ForgeBackgroundProcessInputs): Promise<pulumi.dynamic.DiffResult> {
    const replaces = [...changedKeys(olds, news, ["organization", "serverId", ...SETTINGS]).map(String), ...(olds.status === "running" ? [] : ["status"])];
    const changed = [...replaces, ...changedKeys(olds, news, ["version"]).map(String)];
    return { changes: changed.length > 0, replaces, deleteBeforeReplace: true };
  }

  async create(inputs: ForgeBackgroundProcessInputs): Promise<pulumi.dynamic.CreateResult<ForgeBackgroundProcessOutputs>> {
    const { client, waits } = forgeClientFor(inputs);
    const stale = await client.backgroundProcessNamed(inputs.name);
    if (stale) await client.deleteBackgroundProcess(stale.id);
    const made = await client.createBackgroundProcess({ name: inputs.name, command: inputs.command, user: inputs.user, directory: inputs.directory, processes: inputs.processes });
    const running = await waitFor(`background process ${inputs.name} (${made.id}) to run`, waits, async () => {
      const live = await client.getBackgroundProcess(made.id);
      if (!live) return { failed: "the process disappeared" };
      if (isFailedStatus(live.attributes.status)) return { failed: `status ${live.attributes.status}` };
      return live.attributes.status === "running" ? { done: true, value: live } : { done: false, status: live.attributes.status };
    });
    return { id: made.id, outs: { ...inputs, processId: made.id, status: running.attributes.status } };
  }

  async read(id: string, props?: ForgeBackgroundProcessOutputs): Promise<pulumi.dynamic.ReadResult<ForgeBackgroundProcessOutputs>> {
    if (!props) return { id: "", props: undefined };
    const { client } = forgeClientFor(props);
    const live = await client.getBackgroundProcess(id);
    if (!live) return { id: "", props: undefined };
    const { attributes } = live;
    return {
      id,
      props: { ...props, command: attributes.command, user: attributes.user, directory: attributes.directory ?? "", processes: attributes.processes, status: attributes.status, processId: id },
    };
  }

  async update(id: string, olds: ForgeBackgroundProcessOutputs, news: ForgeBackgroundProcessInputs): Promise<pulumi.dynamic.UpdateResult<ForgeBackgroundProcessOutputs>> {
    // Only the version changes in place: every setting replaces.
    return { outs: { ...news, processId: id, status: olds.status } };
  }

  async delete(id: string, props: ForgeBackgroundProcessOutputs): Promise<void> {
    const { client } = forgeClientFor(props);
    await client.deleteBackgroundProcess(id);
  }
}
