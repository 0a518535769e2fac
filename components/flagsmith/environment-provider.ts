import type * as pulumi from "@pulumi/pulumi";
import type { FlagsmithEnvironmentRecord } from "./api-types";
import { FlagsmithClient } from "./client";
import { apiUrlProblem, connectionFor, retryPolicyFromEnv } from "./settings-from-env";
import type { ProviderVersion } from "../dynamic-resource";

// Pulumi serializes this class into state with everything its methods reach. They reach only globals, the client's
// code and the helpers below; credentials are read from the environment inside each method, the API's address comes
// with the inputs.

/** What the resource passes in (see FlagsmithEnvironmentArgs). */
export interface FlagsmithEnvironmentInputs {
  project: number;
  name: string;
  cloneFrom?: string;
  adopt?: boolean;
  /**
   * The Flagsmith API's URL (restant:flagsmith.apiUrl). Absent only in state stored by provider version 1, which read
   * FLAGSMITH_API_URL instead; a change is made in place (the environment is found by its uuid at the new address).
   */
  apiUrl?: string;
  /** Set by the resource: a new value makes the engine store this provider's newer code. */
  version: ProviderVersion;
}

export interface FlagsmithEnvironmentOutputs extends FlagsmithEnvironmentInputs {
  /** The client-side environment key. */
  apiKey: string;
  /** Flagsmith's numeric id of the environment. */
  environmentId: number;
}

/**
 * A Flagsmith environment, identified by its uuid (the one field nobody can edit; the name and even the api_key can
 * be changed in Flagsmith's UI or API). Read shows a rename as a changed `name`, so a refresh-then-diff proposes
 * renaming it back.
 */
export class FlagsmithEnvironmentProvider
  implements pulumi.dynamic.ResourceProvider<FlagsmithEnvironmentInputs, FlagsmithEnvironmentOutputs>
{
  async check(_olds: FlagsmithEnvironmentInputs, news: FlagsmithEnvironmentInputs): Promise<pulumi.dynamic.CheckResult<FlagsmithEnvironmentInputs>> {
    const failures: pulumi.dynamic.CheckFailure[] = [];
    if (!Number.isInteger(news.project) || news.project <= 0) failures.push({ property: "project", reason: "must be a Flagsmith project id (a positive whole number)" });
    if (typeof news.name !== "string" || news.name.trim() === "" || news.name.length > 2000) failures.push({ property: "name", reason: "must be a non-empty name of at most 2000 characters" });
    const badUrl = apiUrlProblem(news.apiUrl);
    if (badUrl) failures.push({ property: "apiUrl", reason: badUrl });
    if (news.cloneFrom !== undefined && (typeof news.cloneFrom !== "string" || news.cloneFrom === "")) failures.push({ property: "cloneFrom", reason: "must name an environment of the same project" });
    else if (news.cloneFrom !== undefined && news.cloneFrom === news.name) failures.push({ property: "cloneFrom", reason: "an environment cannot be cloned from itself" });
    return { inputs: news, failures };
  }

  async diff(_id: string, olds: FlagsmithEnvironmentOutputs, news: FlagsmithEnvironmentInputs): Promise<pulumi.dynamic.DiffResult> {
    // cloneFrom and adopt only matter when the environment is made: a change to them is recorded, nothing more. An
    // apiUrl new to a state stored without one (provider version 1) is recorded too: the environment stays.
    const changed = (["name", "project", "cloneFrom", "adopt", "apiUrl", "version"] as const).filter((key) => (olds[key] ?? null) !== (news[key] ?? null));
    const replaces = changed.filter((key) => key === "project");
    return { changes: changed.length > 0, replaces, deleteBeforeReplace: true, stables: ["environmentId"] };
  }

  async create(inputs: FlagsmithEnvironmentInputs): Promise<pulumi.dynamic.CreateResult<FlagsmithEnvironmentOutputs>> {
    const client = new FlagsmithClient(connectionFor(inputs.apiUrl), retryPolicyFromEnv());
    const taken = await client.environmentsNamed(inputs.project, inputs.name);
    if (taken.length > 0 && !inputs.adopt) {
      throw new Error(`Flagsmith project ${inputs.project} already has an environment named "${inputs.name}": choose another name, or set adopt: true to manage that one with this stack`);
    }
    if (taken.length > 1) throw new Error(`Flagsmith project ${inputs.project} has ${taken.length} environments named "${inputs.name}": cannot tell which one to adopt`);
    const environment = taken[0] ?? (inputs.cloneFrom === undefined
      ? await client.createEnvironment(inputs.project, inputs.name)
      : await client.cloneEnvironment(await cloneSource(client, inputs.project, inputs.cloneFrom), inputs.name));
    return { id: environment.uuid, outs: environmentOutputs(environment, inputs) };
  }

  async read(id: string, props?: FlagsmithEnvironmentOutputs): Promise<pulumi.dynamic.ReadResult<FlagsmithEnvironmentOutputs>> {
    const client = new FlagsmithClient(connectionFor(props?.apiUrl), retryPolicyFromEnv());
    const environment = await client.getEnvironmentByUuid(id);
    if (!environment) return { id: "", props: undefined };
    const settings = props ?? { project: environment.project, name: environment.name, version: 0 };
    return { id, props: environmentOutputs(environment, settings) };
  }

  async update(id: string, _olds: FlagsmithEnvironmentOutputs, news: FlagsmithEnvironmentInputs): Promise<pulumi.dynamic.UpdateResult<FlagsmithEnvironmentOutputs>> {
    const client = new FlagsmithClient(connectionFor(news.apiUrl), retryPolicyFromEnv());
    // Looked up by uuid, not by the api_key in state, which someone may have changed since.
    const live = await client.getEnvironmentByUuid(id);
    if (!live) throw new Error(`Flagsmith environment "${news.name}" (uuid ${id}) was deleted outside Pulumi: run \`pulumi refresh\` to recreate it`);
    const environment = live.name === news.name ? live : await client.renameEnvironment(live.api_key, news.name);
    return { outs: environmentOutputs(environment, news) };
  }

  async delete(id: string, props: FlagsmithEnvironmentOutputs): Promise<void> {
    const client = new FlagsmithClient(connectionFor(props.apiUrl), retryPolicyFromEnv());
    const live = await client.getEnvironmentByUuid(id);
    if (live) await client.deleteEnvironment(live.api_key);
  }
}

async function cloneSource(client: FlagsmithClient, project: number, name: string): Promise<FlagsmithEnvironmentRecord> {
  const sources = await client.environmentsNamed(project, name);
  if (sources.length !== 1) {
    throw new Error(`Cannot clone Flagsmith environment "${name}" of project ${project}: ${sources.length === 0 ? "there is none" : `there are ${sources.length} by that name`}`);
  }
  return sources[0]!;
}

/** The state: Flagsmith's view of the environment, plus the settings that exist only in the program. */
function environmentOutputs(environment: FlagsmithEnvironmentRecord, settings: FlagsmithEnvironmentInputs): FlagsmithEnvironmentOutputs {
  return {
    project: environment.project,
    name: environment.name,
    ...(settings.cloneFrom === undefined ? {} : { cloneFrom: settings.cloneFrom }),
    ...(settings.adopt === undefined ? {} : { adopt: settings.adopt }),
    ...(settings.apiUrl === undefined ? {} : { apiUrl: settings.apiUrl }),
    version: settings.version,
    apiKey: environment.api_key,
    environmentId: environment.id,
  };
}
