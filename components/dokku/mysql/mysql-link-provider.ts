import type * as pulumi from "@pulumi/pulumi";
import { isAppMissing } from "../client/errors/command-errors";
import type { DokkuTarget } from "../client/ssh-options";
import { sameTarget, withTargetSession } from "../client/target-session";
import { foundOnRead, goneOnRead, stateForRead } from "../../dynamic-read";
import type { ProviderVersion } from "../../dynamic-resource";
import { linkMysql, mysqlLinks, mysqlServiceExists } from "./mysql-operations";

/** The MysqlLink resource's inputs as the provider receives them (plain values). */
export interface MysqlLinkInputs {
  /** Bump to make `pulumi up` store this provider's code in state (read and delete run the stored code). */
  version: ProviderVersion;
  target: DokkuTarget;
  /** The environment's dokku-mysql service. */
  service: string;
  /** The app that gets DATABASE_URL. */
  app: string;
}

const SERVICE = /^[A-Za-z0-9_-]{1,63}$/;
const APP = /^[a-z0-9][a-z0-9.-]*$/;

/**
 * The link from a database to its app, as a step of its own: a preview's clone of the snapshot (the slow part of a
 * preview) then starts at once instead of waiting for the app, and only this link waits for both. Read sees a missing
 * link as gone; delete unlinks and never touches the data.
 */
export const mysqlLinkProvider: pulumi.dynamic.ResourceProvider<MysqlLinkInputs, MysqlLinkInputs> = {
  async check(_olds: MysqlLinkInputs, news: MysqlLinkInputs) {
    const failures: pulumi.dynamic.CheckFailure[] = [];
    if (typeof news.service !== "string" || !SERVICE.test(news.service)) failures.push({ property: "service", reason: "must be 1-63 of [A-Za-z0-9_-] (dokku-mysql's rule)" });
    if (typeof news.app !== "string" || !APP.test(news.app)) failures.push({ property: "app", reason: "must be a Dokku app name" });
    return { inputs: news, failures };
  },

  async diff(_id: string, olds: MysqlLinkInputs, news: MysqlLinkInputs) {
    const replaces: string[] = [];
    for (const key of ["service", "app"] as const) if (olds[key] !== news[key]) replaces.push(key);
    if (!sameTarget(olds.target, news.target)) replaces.push("target");
    return { changes: replaces.length > 0 || olds.version !== news.version, replaces, deleteBeforeReplace: true };
  },

  async create(inputs: MysqlLinkInputs) {
    await withTargetSession(inputs.target, (dokku) => linkMysql(dokku, inputs.service, inputs.app));
    return { id: `${inputs.service}/${inputs.app}`, outs: { ...inputs } };
  },

  async read(id: string, stored?: MysqlLinkInputs) {
    const props = stateForRead(stored, `the MySQL link ${id}`);
    return withTargetSession(props.target, async (dokku) => {
      const linked = (await mysqlServiceExists(dokku, props.service)) && (await mysqlLinks(dokku, props.service)).includes(props.app);
      return linked ? foundOnRead(id, props, props) : goneOnRead<MysqlLinkInputs>();
    });
  },

  async update(_id: string, _olds: MysqlLinkInputs, news: MysqlLinkInputs) {
    await withTargetSession(news.target, (dokku) => linkMysql(dokku, news.service, news.app));
    return { outs: { ...news } };
  },

  async delete(_id: string, props: MysqlLinkInputs) {
    await withTargetSession(props.target, async (dokku) => {
      if (!(await mysqlServiceExists(dokku, props.service))) return;
      if (!(await mysqlLinks(dokku, props.service)).includes(props.app)) return;
      await dokku.run(["mysql:unlink", props.service, props.app, "--no-restart"]).catch((error: unknown) => {
        if (!isAppMissing(error)) throw error;
      });
    });
  },
};
