import type * as pulumi from "@pulumi/pulumi";
import type { ProviderVersion } from "../dynamic-resource";
import { isFailedStatus } from "./client";
import { isMysqlName, MYSQL_NAME_RULE } from "./mysql-name";
import { changedKeys, forgeClientFor, serverRefFailures } from "./provider-support";
import { waitFor } from "./wait-for";

export interface ForgeDatabaseInputs {
  organization: string;
  serverId: number;
  /** The MySQL database (`names.mysqlDatabase`): unique on the server. */
  name: string;
  /** Take over a database of that name that already exists (production and staging). */
  adopt?: boolean;
  version: ProviderVersion;
}

export interface ForgeDatabaseOutputs extends ForgeDatabaseInputs {
  databaseId: string;
}

/**
 * A MySQL database on a Forge server (type `pulumi-nodejs:dynamic/forge:Database`). Databases belong to the server,
 * not to a site. A name already taken by a database the stack does not own is refused unless adopted.
 */
export class ForgeDatabaseProvider implements pulumi.dynamic.ResourceProvider<ForgeDatabaseInputs, ForgeDatabaseOutputs> {
  async check(_olds: ForgeDatabaseInputs, news: ForgeDatabaseInputs): Promise<pulumi.dynamic.CheckResult<ForgeDatabaseInputs>> {
    const failures = serverRefFailures(news);
    if (!isMysqlName(news.name)) failures.push({ property: "name", reason: `must be ${MYSQL_NAME_RULE}` });
    return { inputs: news, failures };
  }

  async diff(_id: string, olds: ForgeDatabaseOutputs, news: ForgeDatabaseInputs): Promise<pulumi.dynamic.DiffResult> {
    const replaces = changedKeys(olds, news, ["organization", "serverId", "name"]).map(String);
    const changed = [...replaces, ...changedKeys(olds, news, ["adopt", "version"]).map(String)];
    return { changes: changed.length > 0, replaces, deleteBeforeReplace: true, stables: ["databaseId"] };
  }

  async create(inputs: ForgeDatabaseInputs): Promise<pulumi.dynamic.CreateResult<ForgeDatabaseOutputs>> {
    const { client, waits } = forgeClientFor(inputs);
    const taken = await client.databaseNamed(inputs.name);
    if (taken && !inputs.adopt) {
      throw new Error(`Forge server ${inputs.serverId} already has a database named ${inputs.name} (id ${taken.id}) that this stack does not own: drop it in Forge, or adopt it (restant:adopt)`);
    }
    const database = taken ?? (await client.createDatabase(inputs.name));
    await waitFor(`database ${inputs.name} (${database.id}) to be installed`, waits, async () => {
      const live = await client.getDatabase(database.id);
      if (!live) return { failed: "the database disappeared" };
      if (isFailedStatus(live.attributes.status)) return { failed: `status ${live.attributes.status}` };
      return live.attributes.status === "installed" ? { done: true, value: live } : { done: false, status: live.attributes.status };
    });
    return { id: database.id, outs: { ...inputs, databaseId: database.id } };
  }

  async read(id: string, props?: ForgeDatabaseOutputs): Promise<pulumi.dynamic.ReadResult<ForgeDatabaseOutputs>> {
    if (!props) return { id: "", props: undefined };
    const { client } = forgeClientFor(props);
    const live = await client.getDatabase(id);
    return live ? { id, props: { ...props, name: live.attributes.name, databaseId: id } } : { id: "", props: undefined };
  }

  async update(_id: string, olds: ForgeDatabaseOutputs, news: ForgeDatabaseInputs): Promise<pulumi.dynamic.UpdateResult<ForgeDatabaseOutputs>> {
    // Only settings of the program change in place (adopt, version): nothing to send.
    return { outs: { ...news, databaseId: olds.databaseId } };
  }

  async delete(id: string, props: ForgeDatabaseOutputs): Promise<void> {
    const { client, waits } = forgeClientFor(props);
    if (!(await client.deleteDatabase(id))) return;
    await waitFor(`database ${props.name} (${id}) to be dropped`, waits, async () => {
      const live = await client.getDatabase(id);
      return live ? { done: false, status: live.attributes.status } : { done: true, value: undefined };
    });
  }
}
