import type * as pulumi from "@pulumi/pulumi";
import { checkAppInputs } from "./app-check";
import { diffApp } from "./app-diff";
import { AppOnServer, AppProps, withKeptValues, withTarget } from "./app-model";
import { DesiredApp, planAppChanges } from "./app-plan";
import { readAppOnServer } from "./app-reports";
import { scaleRefusal } from "./scale-refusal";
import { foundOnRead, goneOnRead, stateForRead } from "../../dynamic-read";
import { DokkuSession } from "../client/dokku-session";
import { isAppMissing, isNameTaken } from "../client/errors/command-errors";
import { withDokkuSession } from "../client/open-session";
import { isPristine, managedKeysOf } from "./ownership";
import { dokkuPrivateKeyFromEnv } from "../client/private-key";
import { DokkuSshOptions, DokkuTarget } from "../client/ssh-options";

/**
 * CRUD of one Dokku app over SSH. Pulumi serializes this object, with everything it reaches, into state: it only
 * reaches functions and constants of this folder; ssh2 and node modules are required inside them, and the private
 * key is read from the environment at each call (dokkuPrivateKeyFromEnv), so none of it is captured.
 * Every operation is one SSH connection.
 */
export const dokkuAppProvider: pulumi.dynamic.ResourceProvider<AppProps, AppProps> = {
  async check(_olds, news) {
    const { inputs, failures } = checkAppInputs(news as unknown as Record<string, unknown>);
    return { inputs: inputs as unknown as AppProps, failures };
  },

  // Old state may say `connection` (withTarget): the rename alone neither replaces nor updates the app.
  async diff(_id, olds, news) {
    return diffApp(withTarget(olds), news);
  },

  async create(inputs) {
    const config = await withDokkuSession(sshOptions(inputs.target), async (session) => {
      const current = await claimOrCreate(session, inputs);
      // A new app is started by the deploy that follows. An adopted app is already serving: a config var that
      // differs must reach it (one restart); nothing that differs, nothing restarts (the marker alone does not).
      const restart = inputs.adopt === true && current.deployed;
      const desired = desiredOf(inputs, current);
      await runInOrder(session, planAppChanges(current, desired, { restart }));
      return desired.config;
    });
    return { id: inputs.appName, outs: { ...inputs, config } };
  },

  async read(id, stored) {
    const props = withTarget(stateForRead(stored, `Dokku app ${id}`));
    const onServer = await withDokkuSession(sshOptions(props.target), (session) => readAppOnServer(session, id));
    if (!onServer) return goneOnRead<AppProps>();
    const observed = observedProps(id, onServer, props);
    return foundOnRead(id, observed, observed);
  },

  async update(id, stored, news) {
    const olds = withTarget(stored);
    const config = await withDokkuSession(sshOptions(news.target), async (session) => {
      const current = await readAppOnServer(session, news.appName);
      if (!current) {
        throw new Error(`Dokku app ${news.appName} no longer exists on ${where(news.target)}: run \`pulumi refresh\` so it is created again`);
      }
      const previouslyManaged = Object.keys(olds.config ?? {});
      const desired = desiredOf(news, current);
      const deployFollows = (news.restartedByDeploy ?? []).some((key) => key in desired.config && current.config[key] !== desired.config[key]);
      await runInOrder(session, planAppChanges(current, desired, { restart: true, previouslyManaged, deployFollows })).catch((error: unknown) => {
        throw scaleRefusal(error, news.appName) ?? error;
      });
      return desired.config;
    });
    return { outs: { ...news, config } };
  },

  async delete(id, stored) {
    const props = withTarget(stored);
    await withDokkuSession(sshOptions(props.target), async (session) => {
      try {
        await session.run(["apps:destroy", "--force", id]);
      } catch (error) {
        // Already gone (destroyed by hand, or a delete that lost its answer) is what delete wants.
        if (!isAppMissing(error)) throw error;
      }
    });
  },
};

function sshOptions(target: DokkuTarget): DokkuSshOptions {
  return { host: target.host, port: target.port, user: target.user, hostKey: target.hostKey, privateKey: dokkuPrivateKeyFromEnv() };
}

/** What the app should become; a keepOnServer key the app already has keeps its value. */
function desiredOf(props: AppProps, current: AppOnServer): DesiredApp {
  const config = withKeptValues(props.config, current.config, props.keepOnServer);
  return { appName: props.appName, domains: props.domains, config, scale: props.scale, ...(props.setElsewhere ? { setElsewhere: props.setElsewhere } : {}) };
}

/**
 * The app's state after making sure it is ours: a new app is created; an existing one is continued when it carries
 * the ownership marker or is pristine (what a create cut short leaves), adopted when asked, and refused otherwise.
 */
async function claimOrCreate(session: DokkuSession, inputs: AppProps): Promise<AppOnServer> {
  const existing = await readAppOnServer(session, inputs.appName);
  if (existing) return assertClaimable(existing, inputs);
  try {
    await session.run(["apps:create", inputs.appName]);
  } catch (error) {
    if (!isNameTaken(error)) throw error;
  }
  const created = await readAppOnServer(session, inputs.appName);
  if (!created) throw new Error(`Dokku app ${inputs.appName} vanished on ${where(inputs.target)} right after it was created`);
  return assertClaimable(created, inputs);
}

function assertClaimable(app: AppOnServer, inputs: AppProps): AppOnServer {
  if (inputs.adopt || managedKeysOf(app.config) !== undefined || isPristine(app)) return app;
  throw new Error(
    `Dokku app ${inputs.appName} already exists on ${where(inputs.target)} and was not created by Pulumi; ` +
      "set adopt: true to take it over (its config, domains and scale will be made to match)",
  );
}

async function runInOrder(session: DokkuSession, commands: ReturnType<typeof planAppChanges>): Promise<void> {
  for (const command of commands) await session.run(command.args, command);
}

/** The app as the server has it, in the resource's shape: the managed config vars only, so links and Dokku's own stay out of diffs. */
function observedProps(id: string, onServer: AppOnServer, last: AppProps): AppProps {
  const elsewhere = last.setElsewhere ?? [];
  const managed = new Set([...(managedKeysOf(onServer.config) ?? []), ...Object.keys(last.config ?? {})].filter((key) => !elsewhere.includes(key)));
  const config: Record<string, string> = {};
  for (const key of [...managed].sort()) if (key in onServer.config) config[key] = onServer.config[key];
  return {
    target: last.target,
    appName: id,
    domains: onServer.domains,
    config,
    scale: { web: onServer.scale.web ?? 0, worker: onServer.scale.worker ?? 0 },
    adopt: last.adopt ?? false,
    ...(last.keepOnServer !== undefined ? { keepOnServer: last.keepOnServer } : {}),
    ...(last.setElsewhere !== undefined ? { setElsewhere: last.setElsewhere } : {}),
    ...(last.restartedByDeploy !== undefined ? { restartedByDeploy: last.restartedByDeploy } : {}),
    version: last.version,
  };
}

function where(target: DokkuTarget): string {
  return `${target.host}:${target.port}`;
}
