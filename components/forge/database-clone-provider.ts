import type * as pulumi from "@pulumi/pulumi";
import { sameTarget, withForgeServerSession } from "../dokku/client/target-session";
import { foundOnRead, goneOnRead, stateForRead } from "../dynamic-read";
import type { ProviderVersion } from "../dynamic-resource";
import { PREVIEW_MYSQL_DATABASE_PATTERN } from "../../infra/names";
import { isMysqlName, MYSQL_NAME_RULE } from "./mysql-name";
import { changedKeys } from "./provider-support";
import { databaseCharset } from "./server/mysql-on-server";
import type { ForgeServerTarget } from "./server/server-target";
import { copySnapshotVerified, emptyDatabase } from "./server/snapshot-copy";

export interface ForgeDatabaseCloneInputs {
  /** Bump to make `pulumi up` store this provider's code in state (read and delete run the stored code). */
  version: ProviderVersion;
  /** The preview's Forge server over SSH, as its `forge` user. */
  target: ForgeServerTarget;
  /** The preview's database, made empty by Forge's API (ForgeDatabase); only a preview's name is accepted. */
  database: string;
  /** Forge's id of that database: a new database (a replaced ForgeDatabase) is copied into anew. */
  databaseId: string;
  /** The master snapshot's database on the same server (infra/names.ts snapshotDatabaseName). */
  snapshot: string;
}

export interface ForgeDatabaseCloneOutputs extends ForgeDatabaseCloneInputs {
  /** Tables and rows the verified copy holds. */
  tables: number;
  rows: number;
  /** When the snapshot's data was taken from production (ISO 8601 UTC); absent when the snapshot recorded none. */
  snapshotTakenAt?: string;
  /** Where the data came from: always a direct copy here (no warm pool on Forge: docs/forge.md). */
  source: "copy";
}

/**
 * The data of a preview's database on Forge (type `pulumi-nodejs:dynamic/forge:DatabaseClone`): the master snapshot
 * on the same server copied in over SSH and proven identical, as the Dokku clone is. Forge's API makes and drops the
 * database (ForgeDatabase) and grants its user; this resource fills it, reads it back on refresh and empties it on
 * delete. It touches nothing but a preview's database: any other name is refused before anything runs, so
 * production's data is out of its reach whatever its inputs say.
 */
export class ForgeDatabaseCloneProvider implements pulumi.dynamic.ResourceProvider<ForgeDatabaseCloneInputs, ForgeDatabaseCloneOutputs> {
  async check(_olds: ForgeDatabaseCloneInputs, news: ForgeDatabaseCloneInputs): Promise<pulumi.dynamic.CheckResult<ForgeDatabaseCloneInputs>> {
    const failures: pulumi.dynamic.CheckFailure[] = [];
    if (typeof news.database !== "string" || !new RegExp(PREVIEW_MYSQL_DATABASE_PATTERN).test(news.database)) {
      failures.push({ property: "database", reason: `must be a preview's database (${PREVIEW_MYSQL_DATABASE_PATTERN}, infra/names.ts): only previews are filled from the snapshot` });
    }
    if (!isMysqlName(news.snapshot)) failures.push({ property: "snapshot", reason: `must be ${MYSQL_NAME_RULE}` });
    if (news.snapshot === news.database) failures.push({ property: "database", reason: "must differ from the snapshot it is copied from" });
    if (news.target?.user !== "forge") failures.push({ property: "target.user", reason: 'must be "forge", the user Forge makes on its servers' });
    return { inputs: news, failures };
  }

  async diff(_id: string, olds: ForgeDatabaseCloneOutputs, news: ForgeDatabaseCloneInputs): Promise<pulumi.dynamic.DiffResult> {
    const replaces = changedKeys(olds, news, ["database", "databaseId", "snapshot"]).map(String);
    if (!sameTarget(olds.target, news.target)) replaces.push("target");
    const changes = replaces.length > 0 || olds.version !== news.version;
    return { changes, replaces, deleteBeforeReplace: true, stables: ["source"] };
  }

  async create(inputs: ForgeDatabaseCloneInputs): Promise<pulumi.dynamic.CreateResult<ForgeDatabaseCloneOutputs>> {
    const report = await withForgeServerSession(inputs.target, (shell) => copySnapshotVerified(shell, inputs.snapshot, inputs.database));
    const { snapshotTakenAt, tables, rows } = report;
    const outs: ForgeDatabaseCloneOutputs = { ...inputs, tables, rows, ...(snapshotTakenAt !== undefined ? { snapshotTakenAt } : {}), source: "copy" };
    return { id: `${inputs.target.host}/${inputs.database}`, outs };
  }

  /** Gone when the server has no such database any more; the copy's proof stays as recorded. */
  async read(id: string, stored?: ForgeDatabaseCloneOutputs): Promise<pulumi.dynamic.ReadResult<ForgeDatabaseCloneOutputs>> {
    const props = stateForRead(stored, `the copy of the snapshot ${id}`);
    const present = await withForgeServerSession(props.target, async (shell) => (await databaseCharset(shell, props.database)) !== undefined);
    if (!present) return goneOnRead<ForgeDatabaseCloneOutputs>();
    const { tables: _tables, rows: _rows, snapshotTakenAt: _takenAt, source: _source, ...inputs } = props;
    return foundOnRead(id, props, inputs);
  }

  async update(_id: string, olds: ForgeDatabaseCloneOutputs, news: ForgeDatabaseCloneInputs): Promise<pulumi.dynamic.UpdateResult<ForgeDatabaseCloneOutputs>> {
    // Only the provider's version changes in place: the data is not copied again.
    return { outs: { ...olds, ...news } };
  }

  async delete(_id: string, props: ForgeDatabaseCloneOutputs): Promise<void> {
    if (!new RegExp(PREVIEW_MYSQL_DATABASE_PATTERN).test(props.database)) throw new Error(`refusing to empty ${props.database}: it is not a preview's database`);
    await withForgeServerSession(props.target, (shell) => emptyDatabase(shell, props.database));
  }
}
