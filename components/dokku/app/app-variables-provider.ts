import type * as pulumi from "@pulumi/pulumi";
import { isAppMissing } from "../client/errors/command-errors";
import type { DokkuRunner } from "../client/dokku-runner";
import type { DokkuTarget } from "../client/ssh-options";
import { sameTarget, withTargetSession } from "../client/target-session";
import { foundOnRead, goneOnRead, stateForRead } from "../../dynamic-read";
import type { ProviderVersion } from "../../dynamic-resource";
import { UNKNOWN } from "./app-check";
import { parseConfigExport } from "./app-reports";

/** The AppVariables resource's inputs and outputs as the provider receives them (plain values). */
export interface AppVariablesProps {
  /** Bump to make `pulumi up` store this provider's code in state (read and delete run the stored code). */
  version: ProviderVersion;
  target: DokkuTarget;
  /** The Dokku app that gets the variables. */
  app: string;
  /** The variables this resource owns on the app (the DokkuApp is told to leave them alone). */
  variables: Record<string, string>;
}

const APP = /^[a-z0-9][a-z0-9.-]*$/;
const KEY = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/**
 * A few variables set on an app by a step of their own: values that come from other services (a Sentry DSN, a
 * Flagsmith key), so the app's creation does not wait for those services and only the deploy does. Sets only what
 * differs, never restarts on create (the deploy that follows starts the app with them); on update the last command
 * restarts a deployed app so it reads the new values. Read reports the values on the server (drift); delete unsets.
 */
export const appVariablesProvider: pulumi.dynamic.ResourceProvider<AppVariablesProps, AppVariablesProps> = {
  async check(_olds: AppVariablesProps, news: AppVariablesProps) {
    const failures: pulumi.dynamic.CheckFailure[] = [];
    if (news.app !== UNKNOWN && (typeof news.app !== "string" || !APP.test(news.app))) failures.push({ property: "app", reason: "must be a Dokku app name" });
    // During a preview that creates the services the values come from, the whole object is not known yet: nothing to check.
    const variables: unknown = news.variables;
    if (variables === UNKNOWN) return { inputs: news, failures };
    if (variables === null || typeof variables !== "object" || Array.isArray(variables)) {
      failures.push({ property: "variables", reason: "must be an object of strings" });
      return { inputs: news, failures };
    }
    for (const key of Object.keys(variables)) {
      if (!KEY.test(key)) failures.push({ property: `variables.${key}`, reason: "a config key is letters, digits and underscores, not starting with a digit" });
    }
    return { inputs: news, failures };
  },

  async diff(_id: string, olds: AppVariablesProps, news: AppVariablesProps) {
    const replaces: string[] = [];
    if (olds.app !== news.app) replaces.push("app");
    if (!sameTarget(olds.target, news.target)) replaces.push("target");
    const changes = replaces.length > 0 || olds.version !== news.version || !sameVariables(olds.variables, news.variables);
    return { changes, replaces, deleteBeforeReplace: true };
  },

  async create(inputs: AppVariablesProps) {
    await withTargetSession(inputs.target, (dokku) => setVariables(dokku, inputs.app, inputs.variables, {}, false));
    return { id: inputs.app, outs: { ...inputs } };
  },

  async read(id: string, stored?: AppVariablesProps) {
    const props = stateForRead(stored, `the variables of Dokku app ${id}`);
    return withTargetSession(props.target, async (dokku) => {
      const onServer = await appConfig(dokku, props.app);
      if (onServer === undefined) return goneOnRead<AppVariablesProps>();
      const variables: Record<string, string> = {};
      for (const key of Object.keys(props.variables).sort()) if (key in onServer) variables[key] = onServer[key]!;
      const observed = { ...props, variables };
      return foundOnRead(id, observed, observed);
    });
  },

  async update(_id: string, olds: AppVariablesProps, news: AppVariablesProps) {
    await withTargetSession(news.target, (dokku) => setVariables(dokku, news.app, news.variables, olds.variables, true));
    return { outs: { ...news } };
  },

  async delete(_id: string, props: AppVariablesProps) {
    await withTargetSession(props.target, async (dokku) => {
      const keys = Object.keys(props.variables);
      if (keys.length === 0) return;
      await dokku.run(["config:unset", "--no-restart", props.app, ...keys]).catch((error: unknown) => {
        if (!isAppMissing(error)) throw error;
      });
    });
  },
};

/** The app's config vars, or undefined when the app is gone. */
async function appConfig(dokku: DokkuRunner, app: string): Promise<Record<string, string> | undefined> {
  try {
    const { stdout } = await dokku.run(["config:export", "--format", "json", app]);
    return parseConfigExport(stdout);
  } catch (error) {
    if (isAppMissing(error)) return undefined;
    throw error;
  }
}

/**
 * `config:set --encoded` of the keys whose value differs on the server, `config:unset` of keys no longer wanted;
 * every command but the last with `--no-restart`, and that one too unless `restart` (Dokku restarts only a deployed
 * app). Values travel base64 and are redacted from any error.
 */
async function setVariables(dokku: DokkuRunner, app: string, wanted: Record<string, string>, before: Record<string, string>, restart: boolean): Promise<void> {
  const onServer = (await appConfig(dokku, app)) ?? {};
  const changed = Object.keys(wanted).sort().filter((key) => onServer[key] !== wanted[key]);
  const dropped = Object.keys(before).filter((key) => !(key in wanted) && key in onServer).sort();
  const commands: { args: string[]; redact: string[] }[] = [];
  if (changed.length > 0) {
    const words = changed.map((key) => `${key}=${Buffer.from(wanted[key]!, "utf8").toString("base64")}`);
    const redact = changed.flatMap((key) => [wanted[key]!, Buffer.from(wanted[key]!, "utf8").toString("base64")]);
    commands.push({ args: ["config:set", "--encoded", app, ...words], redact });
  }
  if (dropped.length > 0) commands.push({ args: ["config:unset", app, ...dropped], redact: [] });
  for (const [index, { args, redact }] of commands.entries()) {
    const [subcommand, ...rest] = args;
    const last = index === commands.length - 1;
    await dokku.run(restart && last ? args : [subcommand!, "--no-restart", ...rest], { redact });
  }
}

function sameVariables(a: Record<string, string> | undefined, b: Record<string, string> | undefined): boolean {
  const keysA = Object.keys(a ?? {});
  return keysA.length === Object.keys(b ?? {}).length && keysA.every((key) => Object.prototype.hasOwnProperty.call(b, key) && a![key] === b![key]);
}
