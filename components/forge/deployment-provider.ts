import type * as pulumi from "@pulumi/pulumi";
import type { ProviderVersion } from "../dynamic-resource";
import type { ForgeClient } from "./client";
import { changedKeys, forgeClientFor, serverRefFailures } from "./provider-support";
import type { ForgeWaits } from "./settings-from-env";
import { waitFor } from "./wait-for";

export interface ForgeDeploymentInputs {
  organization: string;
  serverId: number;
  siteId: string;
  /** The site's deploy script, which checks out exactly `commit` (components/forge-runtime.ts writes it). */
  script: string;
  /** What is deployed: the commit CI validated, else the ref. A new value deploys again. */
  revision: string;
  version: ProviderVersion;
}

export interface ForgeDeploymentOutputs extends ForgeDeploymentInputs {
  deploymentId: string;
  status: string;
}

/** Lines of a failed deployment's log shown in the error. */
const LOG_TAIL_LINES = 30;

/**
 * The site's deploy script and a deployment of it (type `pulumi-nodejs:dynamic/forge:Deployment`): the script is
 * written only when it differs, a deployment starts when the revision or the script changes, and it is followed to
 * its end; a failed one fails the update with the tail of its log. A script edited by hand reads back as drift.
 */
export class ForgeDeploymentProvider implements pulumi.dynamic.ResourceProvider<ForgeDeploymentInputs, ForgeDeploymentOutputs> {
  async check(_olds: ForgeDeploymentInputs, news: ForgeDeploymentInputs): Promise<pulumi.dynamic.CheckResult<ForgeDeploymentInputs>> {
    const failures = serverRefFailures(news);
    if (typeof news.siteId !== "string" || news.siteId === "") failures.push({ property: "siteId", reason: "must be the Forge site's id" });
    if (typeof news.script !== "string" || news.script.trim() === "") failures.push({ property: "script", reason: "must be the deploy script" });
    if (typeof news.revision !== "string" || news.revision === "") failures.push({ property: "revision", reason: "must be the commit or ref to deploy" });
    return { inputs: news, failures };
  }

  async diff(_id: string, olds: ForgeDeploymentOutputs, news: ForgeDeploymentInputs): Promise<pulumi.dynamic.DiffResult> {
    const replaces = changedKeys(olds, news, ["organization", "serverId", "siteId"]).map(String);
    const changed = [...replaces, ...changedKeys(olds, news, ["script", "revision", "version"]).map(String)];
    return { changes: changed.length > 0, replaces };
  }

  async create(inputs: ForgeDeploymentInputs): Promise<pulumi.dynamic.CreateResult<ForgeDeploymentOutputs>> {
    const { client, waits } = forgeClientFor(inputs);
    const done = await deployRevision(client, waits, inputs);
    return { id: done.deploymentId, outs: { ...inputs, ...done } };
  }

  async read(id: string, props?: ForgeDeploymentOutputs): Promise<pulumi.dynamic.ReadResult<ForgeDeploymentOutputs>> {
    if (!props) return { id: "", props: undefined };
    const { client } = forgeClientFor(props);
    const script = await client.getDeploymentScript(props.siteId);
    return script === undefined ? { id: "", props: undefined } : { id, props: { ...props, script } };
  }

  async update(_id: string, olds: ForgeDeploymentOutputs, news: ForgeDeploymentInputs): Promise<pulumi.dynamic.UpdateResult<ForgeDeploymentOutputs>> {
    if (olds.script === news.script && olds.revision === news.revision) return { outs: { ...news, deploymentId: olds.deploymentId, status: olds.status } };
    const { client, waits } = forgeClientFor(news);
    return { outs: { ...news, ...(await deployRevision(client, waits, news)) } };
  }

  async delete(): Promise<void> {
    // A deployment is history: nothing to undo. The site's removal takes its script.
  }
}

async function deployRevision(client: ForgeClient, waits: ForgeWaits, inputs: ForgeDeploymentInputs): Promise<{ deploymentId: string; status: string }> {
  if ((await client.getDeploymentScript(inputs.siteId)) !== inputs.script) await client.putDeploymentScript(inputs.siteId, inputs.script);
  const started = await client.deploy(inputs.siteId);
  const what = `deployment ${started.id} of ${inputs.revision} on site ${inputs.siteId}`;
  const ended = await waitFor(`${what} to finish`, waits, async () => {
    const live = await client.getDeployment(inputs.siteId, started.id);
    if (!live) return { failed: "the deployment disappeared" };
    const { status } = live.attributes;
    if (status === "finished") return { done: true, value: status };
    if (status === "failed" || status === "cancelled") return { done: true, value: status };
    return { done: false, status };
  });
  if (ended !== "finished") {
    const log = await client.getDeploymentLog(inputs.siteId, started.id).catch((error: Error) => `(its log could not be read: ${error.message})`);
    const tail = log.trimEnd().split("\n").slice(-LOG_TAIL_LINES).join("\n");
    throw new Error(`Forge: ${what} ${ended}; the last lines of its log:\n${tail}`);
  }
  return { deploymentId: started.id, status: ended };
}
