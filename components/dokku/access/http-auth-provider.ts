import type * as pulumi from "@pulumi/pulumi";
import type { DokkuRunner } from "../client/dokku-runner";
import type { DokkuTarget } from "../client/ssh-options";
import { sameTarget, withTargetSession } from "../client/target-session";
import { isAppMissing } from "../client/errors/command-errors";
import { foundOnRead, goneOnRead, stateForRead } from "../../dynamic-read";
import type { ProviderVersion } from "../../dynamic-resource";

/** The HttpAuth resource's inputs as the provider receives them (plain values; the password unwrapped). */
export interface HttpAuthInputs {
  /** Bump to make `pulumi up` store this provider's code in state (read and delete run the stored code). */
  version: ProviderVersion;
  target: DokkuTarget;
  app: string;
  user: string;
  /** Secret. dokku-http-auth takes it only as an argument, so it is redacted from every error this provider throws. */
  password: string;
}

export interface HttpAuthOutputs extends HttpAuthInputs {
  /** Whether the server has http-auth on for the app, with this user, as last read. */
  enabled: boolean;
}

/** `http-auth:report <app> <flag>` prints the value, or fails "not deployed" for an empty one: read as "". */
async function reportValue(dokku: DokkuRunner, app: string, flag: string): Promise<string> {
  try {
    return (await dokku.run(["http-auth:report", app, flag])).stdout.trim();
  } catch (error) {
    if (isAppMissing(error)) throw error;
    return "";
  }
}

/** Enables http-auth for the app and sets the user's password (add-user overrides an existing user's). */
async function enableWithUser(dokku: DokkuRunner, inputs: HttpAuthInputs): Promise<void> {
  if ((await reportValue(dokku, inputs.app, "--http-auth-enabled")) !== "true") await dokku.run(["http-auth:enable", inputs.app]);
  await dokku.run(["http-auth:add-user", inputs.app, inputs.user, inputs.password], { redact: [inputs.password] });
}

/**
 * HTTP basic auth in front of a Dokku app (dokku-http-auth). The password travels as an argument because the plugin
 * takes it no other way; every error is scrubbed of it. Read sees http-auth switched off or the user removed by hand.
 */
export const httpAuthProvider: pulumi.dynamic.ResourceProvider<HttpAuthInputs, HttpAuthOutputs> = {
  async check(_olds: HttpAuthInputs, news: HttpAuthInputs) {
    const failures: pulumi.dynamic.CheckFailure[] = [];
    if (!/^[A-Za-z0-9_.-]{1,64}$/.test(news.user ?? "")) failures.push({ property: "user", reason: "must be 1-64 of [A-Za-z0-9_.-]" });
    if (typeof news.password !== "string" || news.password.length < 16) failures.push({ property: "password", reason: "must be at least 16 characters" });
    return { inputs: news, failures };
  },

  async diff(_id: string, olds: HttpAuthOutputs, news: HttpAuthInputs) {
    const replaces = olds.app !== news.app || !sameTarget(olds.target, news.target) ? ["app"] : [];
    const changes =
      replaces.length > 0 || olds.user !== news.user || olds.password !== news.password || olds.version !== news.version || olds.enabled === false;
    return { changes, replaces, deleteBeforeReplace: true };
  },

  async create(inputs: HttpAuthInputs) {
    await withTargetSession(inputs.target, (dokku) => enableWithUser(dokku, inputs));
    return { id: inputs.app, outs: { ...inputs, enabled: true } };
  },

  async read(id: string, stored?: HttpAuthOutputs) {
    const props = stateForRead(stored, `http-auth of Dokku app ${id}`);
    return withTargetSession(props.target, async (dokku) => {
      try {
        const [enabled, users] = await Promise.all([
          reportValue(dokku, id, "--http-auth-enabled"),
          reportValue(dokku, id, "--http-auth-users"),
        ]);
        const outs: HttpAuthOutputs = { ...props, enabled: enabled === "true" && users.split(/\s+/).includes(props.user) };
        const { enabled: _enabled, ...inputs } = outs;
        return foundOnRead(id, outs, inputs);
      } catch (error) {
        if (isAppMissing(error)) return goneOnRead<HttpAuthOutputs>();
        throw error;
      }
    });
  },

  async update(_id: string, olds: HttpAuthOutputs, news: HttpAuthInputs) {
    await withTargetSession(news.target, async (dokku) => {
      await enableWithUser(dokku, news);
      if (olds.user !== news.user) await dokku.run(["http-auth:remove-user", news.app, olds.user]);
    });
    return { outs: { ...news, enabled: true } };
  },

  async delete(id: string, props: HttpAuthOutputs) {
    await withTargetSession(props.target, async (dokku) => {
      await dokku.run(["http-auth:disable", id]).catch((error: unknown) => {
        if (!isAppMissing(error)) throw error;
      });
    });
  },
};
