import type * as pulumi from "@pulumi/pulumi";
import type { ProviderVersion } from "../dynamic-resource";
import { isFailedStatus } from "./client";
import { changedKeys, forgeClientFor, serverRefFailures } from "./provider-support";
import { waitFor } from "./wait-for";

export interface ForgeDatabaseUserInputs {
  organization: string;
  serverId: number;
  /** The MySQL user (`names.mysqlUser`). */
  name: string;
  /** Its password (a Pulumi secret; kept secret in state). */
  password: string;
  /** The databases it may use, by Forge id. */
  databaseIds: string[];
  version: ProviderVersion;
}

export interface ForgeDatabaseUserOutputs extends ForgeDatabaseUserInputs {
  userId: string;
}

const MYSQL_USER = /^[a-z0-9_]{1,32}$/;

/**
 * A MySQL user on a Forge server with access to the environment's database (type
 * `pulumi-nodejs:dynamic/forge:DatabaseUser`). Forge never shows a password, so a password changed by hand cannot be
 * seen; a changed password or database list in the program is sent with one PUT.
 */
export class ForgeDatabaseUserProvider implements pulumi.dynamic.ResourceProvider<ForgeDatabaseUserInputs, ForgeDatabaseUserOutputs> {
  async check(_olds: ForgeDatabaseUserInputs, news: ForgeDatabaseUserInputs): Promise<pulumi.dynamic.CheckResult<ForgeDatabaseUserInputs>> {
    const failures = serverRefFailures(news);
    if (typeof news.name !== "string" || !MYSQL_USER.test(news.name)) failures.push({ property: "name", reason: "must be a MySQL user name: at most 32 of a-z, 0-9 and _" });
    if (typeof news.password !== "string" || news.password.length < 16) failures.push({ property: "password", reason: "must be a generated password of at least 16 characters" });
    if (!Array.isArray(news.databaseIds) || news.databaseIds.length === 0) failures.push({ property: "databaseIds", reason: "must list the database the user is for" });
    return { inputs: news, failures };
  }

  async diff(_id: string, olds: ForgeDatabaseUserOutputs, news: ForgeDatabaseUserInputs): Promise<pulumi.dynamic.DiffResult> {
    const replaces = changedKeys(olds, news, ["organization", "serverId", "name"]).map(String);
    const changed = [...replaces, ...changedKeys(olds, news, ["password", "databaseIds", "version"]).map(String)];
    return { changes: changed.length > 0, replaces, deleteBeforeReplace: true, stables: ["userId"] };
  }

  async create(inputs: ForgeDatabaseUserInputs): Promise<pulumi.dynamic.CreateResult<ForgeDatabaseUserOutputs>> {
    const { client, waits } = forgeClientFor(inputs);
    if (await client.databaseUserNamed(inputs.name)) {
      throw new Error(`Forge server ${inputs.serverId} already has a database user named ${inputs.name} that this stack does not own: delete it in Forge first`);
    }
    const user = await client.createDatabaseUser({ name: inputs.name, password: inputs.password, database_ids: inputs.databaseIds.map(Number) });
    await waitForUser(client, user.id, `database user ${inputs.name} (${user.id}) to be installed`, waits);
    return { id: user.id, outs: { ...inputs, userId: user.id } };
  }

  async read(id: string, props?: ForgeDatabaseUserOutputs): Promise<pulumi.dynamic.ReadResult<ForgeDatabaseUserOutputs>> {
    if (!props) return { id: "", props: undefined };
    const { client } = forgeClientFor(props);
    const live = await client.getDatabaseUser(id);
    if (!live) return { id: "", props: undefined };
    const databaseIds = live.attributes.database_ids ? live.attributes.database_ids.map(String) : props.databaseIds;
    return { id, props: { ...props, name: live.attributes.name, databaseIds, userId: id } };
  }

  async update(id: string, olds: ForgeDatabaseUserOutputs, news: ForgeDatabaseUserInputs): Promise<pulumi.dynamic.UpdateResult<ForgeDatabaseUserOutputs>> {
    const { client, waits } = forgeClientFor(news);
    const passwordChanged = olds.password !== news.password;
    if (passwordChanged || JSON.stringify(olds.databaseIds) !== JSON.stringify(news.databaseIds)) {
      await client.updateDatabaseUser(id, { ...(passwordChanged ? { password: news.password } : {}), database_ids: news.databaseIds.map(Number) });
      await waitForUser(client, id, `database user ${news.name} (${id}) to apply its changes`, waits);
    }
    return { outs: { ...news, userId: id } };
  }

  async delete(id: string, props: ForgeDatabaseUserOutputs): Promise<void> {
    const { client, waits } = forgeClientFor(props);
    if (!(await client.deleteDatabaseUser(id))) return;
    await waitFor(`database user ${props.name} (${id}) to be removed`, waits, async () => {
      const live = await client.getDatabaseUser(id);
      return live ? { done: false, status: live.attributes.status } : { done: true, value: undefined };
    });
  }
}

async function waitForUser(client: ReturnType<typeof forgeClientFor>["client"], id: string, what: string, waits: ReturnType<typeof forgeClientFor>["waits"]): Promise<void> {
  await waitFor(what, waits, async () => {
    const live = await client.getDatabaseUser(id);
    if (!live) return { failed: "the user disappeared" };
    if (isFailedStatus(live.attributes.status)) return { failed: `status ${live.attributes.status}` };
    return live.attributes.status === "installed" ? { done: true, value: undefined } : { done: false, status: live.attributes.status };
  });
}
