import type * as pulumi from "@pulumi/pulumi";
import type { FlagsmithServerKeyRecord } from "./api-types";
import { FlagsmithClient } from "./client";
import { apiUrlProblem, connectionFor, retryPolicyFromEnv } from "./settings-from-env";
import type { ProviderVersion } from "../dynamic-resource";

// Serialized into state like the environment provider: only globals, the client's code and the helper below.

/** What the resource passes in (see FlagsmithServerKeyArgs). */
export interface FlagsmithServerKeyInputs {
  environmentApiKey: string;
  name: string;
  /** The Flagsmith API's URL (restant:flagsmith.apiUrl); absent only in state stored by provider version 1. */
  apiUrl?: string;
  /** Set by the resource: a new value makes the engine store this provider's newer code. */
  version: ProviderVersion;
}

export interface FlagsmithServerKeyOutputs extends FlagsmithServerKeyInputs {
  /** The `ser.…` key: a secret (the resource lists it in additionalSecretOutputs). */
  key: string;
  /** Flagsmith's numeric id of the key (also the resource's id). */
  keyId: number;
  /** False when someone deactivated the key by hand: the diff then proposes turning it back on. */
  active: boolean;
}

/**
 * A server-side SDK key of one environment. Flagsmith has no route to fetch one key, so read lists the
 * environment's keys; a key whose environment is gone is gone too.
 */
export class FlagsmithServerKeyProvider implements pulumi.dynamic.ResourceProvider<FlagsmithServerKeyInputs, FlagsmithServerKeyOutputs> {
  async check(_olds: FlagsmithServerKeyInputs, news: FlagsmithServerKeyInputs): Promise<pulumi.dynamic.CheckResult<FlagsmithServerKeyInputs>> {
    const failures: pulumi.dynamic.CheckFailure[] = [];
    if (typeof news.environmentApiKey !== "string" || news.environmentApiKey === "") failures.push({ property: "environmentApiKey", reason: "must be an environment's client-side key" });
    if (typeof news.name !== "string" || news.name.trim() === "" || news.name.length > 100) failures.push({ property: "name", reason: "must be a non-empty name of at most 100 characters" });
    const badUrl = apiUrlProblem(news.apiUrl);
    if (badUrl) failures.push({ property: "apiUrl", reason: badUrl });
    return { inputs: news, failures };
  }

  async diff(_id: string, olds: FlagsmithServerKeyOutputs, news: FlagsmithServerKeyInputs): Promise<pulumi.dynamic.DiffResult> {
    const replaces = olds.environmentApiKey === news.environmentApiKey ? [] : ["environmentApiKey"];
    // A new apiUrl (or one new to a state stored without it) is recorded in place: the key stays.
    const changes =
      replaces.length > 0 || olds.name !== news.name || olds.version !== news.version || olds.active !== true || (olds.apiUrl ?? null) !== (news.apiUrl ?? null);
    return { changes, replaces, stables: ["keyId"] };
  }

  async create(inputs: FlagsmithServerKeyInputs): Promise<pulumi.dynamic.CreateResult<FlagsmithServerKeyOutputs>> {
    const client = new FlagsmithClient(connectionFor(inputs.apiUrl), retryPolicyFromEnv());
    const key = await client.createServerKey(inputs.environmentApiKey, inputs.name);
    return { id: String(key.id), outs: serverKeyOutputs(key, inputs) };
  }

  async read(id: string, props?: FlagsmithServerKeyOutputs): Promise<pulumi.dynamic.ReadResult<FlagsmithServerKeyOutputs>> {
    if (!props?.environmentApiKey) throw new Error(`Reading Flagsmith server-side key ${id} needs its environmentApiKey: import it with that input set`);
    const client = new FlagsmithClient(connectionFor(props.apiUrl), retryPolicyFromEnv());
    const key = (await client.listServerKeys(props.environmentApiKey))?.find((candidate) => String(candidate.id) === id);
    if (!key) return { id: "", props: undefined };
    return { id, props: serverKeyOutputs(key, props) };
  }

  async update(id: string, olds: FlagsmithServerKeyOutputs, news: FlagsmithServerKeyInputs): Promise<pulumi.dynamic.UpdateResult<FlagsmithServerKeyOutputs>> {
    // Nothing to change at Flagsmith: the new version and address are only recorded.
    if (olds.name === news.name && olds.active === true) {
      return { outs: { ...olds, version: news.version, ...(news.apiUrl === undefined ? {} : { apiUrl: news.apiUrl }) } };
    }
    const client = new FlagsmithClient(connectionFor(news.apiUrl), retryPolicyFromEnv());
    const key = await client.updateServerKey(news.environmentApiKey, Number(id), { name: news.name, active: true });
    return { outs: serverKeyOutputs(key, news) };
  }

  async delete(id: string, props: FlagsmithServerKeyOutputs): Promise<void> {
    const client = new FlagsmithClient(connectionFor(props.apiUrl), retryPolicyFromEnv());
    await client.deleteServerKey(props.environmentApiKey, Number(id));
  }
}

function serverKeyOutputs(key: FlagsmithServerKeyRecord, settings: FlagsmithServerKeyInputs): FlagsmithServerKeyOutputs {
  return {
    environmentApiKey: settings.environmentApiKey,
    name: key.name,
    ...(settings.apiUrl === undefined ? {} : { apiUrl: settings.apiUrl }),
    version: settings.version,
    key: key.key,
    keyId: key.id,
    active: key.active,
  };
}
