import type * as pulumi from "@pulumi/pulumi";
import { cloneMysqlVerified, createEmptyMysql, destroyMysqlIfPresent, linkMysql, mysqlLinks, mysqlServiceExists } from "./mysql-operations";
import type { DokkuTarget } from "../client/ssh-options";
import { sameTarget, withTargetSession } from "../client/target-session";
import { foundOnRead, goneOnRead, stateForRead } from "../../dynamic-read";
import type { ProviderVersion } from "../../dynamic-resource";
import { claimPoolMember, dropPoolMember, type WarmPool } from "./pool-operations";

/** The MysqlService resource's inputs as the provider receives them (plain values). */
export interface MysqlServiceInputs {
  /** Bump to make `pulumi up` store this provider's code in state (read and delete run the stored code). */
  version: ProviderVersion;
  target: DokkuTarget;
  /** The dokku-mysql service name. */
  service: string;
  /** The app to link (DATABASE_URL); absent for a service no app uses directly (the master snapshot). */
  app?: string;
  /** The master snapshot service to clone; absent = an empty service. */
  cloneFrom?: string;
  /** Take over an existing service at create instead of refusing it; never with cloneFrom. */
  adopt?: boolean;
  /**
   * With cloneFrom: first claim a member of the warm pool for `holder` (the environment's slug) and use it under its
   * own name (dokku-mysql cannot rename a service); `service` is then only the direct clone made when the pool is empty.
   * `app` is the app that will be linked to it (a member already linked to any other app is never taken).
   */
  pool?: WarmPool & { holder: string; app: string };
}

/** Where the environment's database came from. */
export type DatabaseSource = "pool" | "clone" | "empty" | "adopted";

/** What the provider records: the inputs plus what a clone proved. */
export interface MysqlServiceOutputs extends MysqlServiceInputs {
  /** Tables and rows the verified clone holds (0 for an empty service). */
  tables: number;
  rows: number;
  /** Apps the service is linked to, as last read. */
  linkedApps: string[];
  /**
   * A clone: when the snapshot's data was taken from production (ISO 8601 UTC), as its refresh recorded it; absent
   * for an empty service and for a snapshot that recorded no time (made before refreshes recorded it).
   */
  snapshotTakenAt?: string;
  /** The service the environment uses: a claimed pool member's name, or `service`. Absent in older state = `service`. */
  serviceInUse?: string;
  /** Absent in older state: "clone" with cloneFrom, else "empty". */
  source?: DatabaseSource;
}

const SERVICE_NAME = /^[A-Za-z0-9_-]{1,63}$/;

/**
 * dokku-mysql service per environment: an empty one, or a clone of the master snapshot verified table by table; linked
 * to the app. Create adopts an existing service only when told to, and then only links it; delete unlinks and destroys
 * only its own service, never the snapshot. Production's resource is protected and retained by the component, so this delete never runs for it.
 */
export const mysqlServiceProvider: pulumi.dynamic.ResourceProvider<MysqlServiceInputs, MysqlServiceOutputs> = {
  async check(_olds: MysqlServiceInputs, news: MysqlServiceInputs) {
    const failures: pulumi.dynamic.CheckFailure[] = [];
    if (!SERVICE_NAME.test(news.service)) failures.push({ property: "service", reason: "must be 1-63 of [A-Za-z0-9_-] (dokku-mysql's rule)" });
    if (news.cloneFrom !== undefined && !SERVICE_NAME.test(news.cloneFrom)) {
      failures.push({ property: "cloneFrom", reason: "must be 1-63 of [A-Za-z0-9_-] (dokku-mysql's rule)" });
    }
    if (news.cloneFrom === news.service) failures.push({ property: "service", reason: "must differ from the snapshot it clones" });
    if (news.app !== undefined && !/^[a-z0-9][a-z0-9.-]*$/.test(news.app)) failures.push({ property: "app", reason: "must be a Dokku app name" });
    if (news.pool !== undefined && news.cloneFrom === undefined) failures.push({ property: "pool", reason: "a warm pool member stands in for a clone: set cloneFrom too" });
    if (news.pool !== undefined && (typeof news.pool.holder !== "string" || news.pool.holder === "")) failures.push({ property: "pool.holder", reason: "must name the environment" });
    if (news.adopt === true && news.cloneFrom !== undefined) {
      failures.push({ property: "adopt", reason: "a clone is always made fresh; adopt is for a service that holds data already" });
    }
    return { inputs: news, failures };
  },

  async diff(_id: string, olds: MysqlServiceOutputs, news: MysqlServiceInputs) {
    const replaces: string[] = [];
    if (olds.service !== news.service) replaces.push("service");
    if (olds.cloneFrom !== news.cloneFrom) replaces.push("cloneFrom");
    if (!sameTarget(olds.target, news.target)) replaces.push("target");
    const linkMissing = news.app !== undefined && !(olds.linkedApps ?? []).includes(news.app);
    const changes = replaces.length > 0 || olds.app !== news.app || olds.version !== news.version || linkMissing;
    return { changes, replaces, deleteBeforeReplace: true };
  },

  async create(inputs: MysqlServiceInputs) {
    const outs = await withTargetSession(inputs.target, async (dokku): Promise<MysqlServiceOutputs> => {
      let proof: { tables: number; rows: number; snapshotTakenAt?: string } = { tables: 0, rows: 0 };
      if (inputs.cloneFrom !== undefined && inputs.pool !== undefined) {
        // Verified by the refill job before it joined the pool; claimed atomically, so it is this environment's alone.
        const claim = await claimPoolMember(dokku, inputs.pool, inputs.pool.holder, inputs.pool.app);
        if (claim !== undefined) {
          const { member, snapshotTakenAt } = claim;
          return { ...inputs, ...proof, ...(snapshotTakenAt !== undefined ? { snapshotTakenAt } : {}), linkedApps: [], serviceInUse: member, source: "pool" };
        }
      }
      if (inputs.cloneFrom !== undefined) {
        const { snapshotTakenAt, ...counts } = await cloneMysqlVerified(dokku, inputs.cloneFrom, inputs.service);
        proof = { ...counts, ...(snapshotTakenAt !== undefined ? { snapshotTakenAt } : {}) };
      } else if (await mysqlServiceExists(dokku, inputs.service)) {
        if (inputs.adopt !== true) {
          throw new Error(
            `the MySQL service ${inputs.service} already exists and was not created by this stack; ` +
              "set restant:adopt to true to take it over as it is (docs/adopting.md), or choose another service name",
          );
        }
        // Adopted: its data is never read or written here; only the link if it is missing, and DB_URL (the name
        // Laravel 11+ reads) copied from the link's DSN if it differs, without a restart.
        if (inputs.app !== undefined) await linkMysql(dokku, inputs.service, inputs.app);
        return { ...inputs, ...proof, linkedApps: await mysqlLinks(dokku, inputs.service), serviceInUse: inputs.service, source: "adopted" };
      } else {
        await createEmptyMysql(dokku, inputs.service);
      }
      try {
        if (inputs.app !== undefined) await linkMysql(dokku, inputs.service, inputs.app);
      } catch (error) {
        // A service we just made and could not link is removed, so a failed create leaves nothing behind.
        await destroyMysqlIfPresent(dokku, inputs.service);
        throw error;
      }
      const source: DatabaseSource = inputs.cloneFrom !== undefined ? "clone" : "empty";
      return { ...inputs, ...proof, linkedApps: inputs.app !== undefined ? [inputs.app] : [], serviceInUse: inputs.service, source };
    });
    return { id: outs.serviceInUse ?? inputs.service, outs };
  },

  async read(id: string, stored?: MysqlServiceOutputs) {
    const props = stateForRead(stored, `the MySQL service ${id}`);
    return withTargetSession(props.target, async (dokku) => {
      if (!(await mysqlServiceExists(dokku, id))) return goneOnRead<MysqlServiceOutputs>();
      const linkedApps = await mysqlLinks(dokku, id);
      const outs: MysqlServiceOutputs = { ...props, linkedApps };
      return foundOnRead(id, outs, inputsOf(outs));
    });
  },

  async update(_id: string, olds: MysqlServiceOutputs, news: MysqlServiceInputs) {
    return withTargetSession(news.target, async (dokku) => {
      // A moved app is linked anew; the old link is left to the old app's own destruction (pre-delete unlinks it).
      const inUse = olds.serviceInUse ?? news.service;
      if (news.app !== undefined) await linkMysql(dokku, inUse, news.app);
      // A service no longer given an app (kept beside a restored one) stops recording the app it was linked to.
      const { app: _unlinked, ...kept } = olds;
      return { outs: { ...(news.app === undefined ? kept : olds), ...news, linkedApps: await mysqlLinks(dokku, inUse) } };
    });
  },

  async delete(id: string, props: MysqlServiceOutputs) {
    if (props.cloneFrom !== undefined && id === props.cloneFrom) throw new Error(`refusing to destroy the snapshot ${id}`);
    await withTargetSession(props.target, async (dokku) => {
      // A used database never goes back to the pool: a claimed member is destroyed like a clone, then forgotten.
      await destroyMysqlIfPresent(dokku, id);
      if (props.source === "pool" && props.pool !== undefined) await dropPoolMember(dokku, props.pool, id, props.pool.holder);
    });
  },
};

function inputsOf(outs: MysqlServiceOutputs): MysqlServiceInputs {
  return {
    version: outs.version,
    target: outs.target,
    service: outs.service,
    ...(outs.app !== undefined ? { app: outs.app } : {}),
    ...(outs.cloneFrom !== undefined ? { cloneFrom: outs.cloneFrom } : {}),
    ...(outs.adopt !== undefined ? { adopt: outs.adopt } : {}),
    ...(outs.pool !== undefined ? { pool: outs.pool } : {}),
  };
}
