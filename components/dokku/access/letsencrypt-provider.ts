import type * as pulumi from "@pulumi/pulumi";
import type { DokkuRunner } from "../client/dokku-runner";
import type { DokkuTarget } from "../client/ssh-options";
import { sameTarget, withTargetSession } from "../client/target-session";
import { isAppMissing } from "../client/errors/command-errors";
import { foundOnRead, goneOnRead, stateForRead } from "../../dynamic-read";
import type { ProviderVersion } from "../../dynamic-resource";

/** The LetsEncrypt resource's inputs as the provider receives them. */
export interface LetsEncryptInputs {
  /** Bump to make `pulumi up` store this provider's code in state (read and delete run the stored code). */
  version: ProviderVersion;
  target: DokkuTarget;
  app: string;
  /** The hostnames the certificate must cover: a change re-runs `letsencrypt:enable` for the new SAN list. */
  domains: string[];
  /** The account e-mail, set on the app (`letsencrypt:set <app> email`), so no server-wide one is needed. Absent in older state. */
  email?: string;
}

export interface LetsEncryptOutputs extends LetsEncryptInputs {
  /** Whether the app's installed certificate is the one dokku-letsencrypt issued for it, as last read. */
  active: boolean;
  /** Unix time the certificate expires, as last read ("" when none). */
  expiration: string;
}

async function report(dokku: DokkuRunner, app: string): Promise<{ active: boolean; expiration: string }> {
  const { stdout } = await dokku.run(["letsencrypt:report", app, "--format", "json"]);
  const json = JSON.parse(stdout) as Record<string, string>;
  return { active: json.active === "true", expiration: json.expiration ?? "" };
}

/**
 * A Let's Encrypt certificate for a Dokku app (dokku-letsencrypt, HTTP-01): needs the app's domains set and a first
 * deploy, which the component orders before it. `enable` is idempotent and only asks Let's Encrypt when the names or
 * settings changed, so re-running it costs no certificate; read sees a certificate removed by hand.
 */
export const letsEncryptProvider: pulumi.dynamic.ResourceProvider<LetsEncryptInputs, LetsEncryptOutputs> = {
  async diff(_id: string, olds: LetsEncryptOutputs, news: LetsEncryptInputs) {
    const replaces = olds.app !== news.app || !sameTarget(olds.target, news.target) ? ["app"] : [];
    const changes =
      replaces.length > 0 ||
      olds.version !== news.version ||
      olds.active === false ||
      olds.domains.join(" ") !== news.domains.join(" ") ||
      olds.email !== news.email;
    return { changes, replaces, deleteBeforeReplace: true };
  },

  async create(inputs: LetsEncryptInputs) {
    const state = await withTargetSession(inputs.target, async (dokku) => {
      if (inputs.email !== undefined) await dokku.run(["letsencrypt:set", inputs.app, "email", inputs.email]);
      await dokku.run(["letsencrypt:enable", inputs.app]);
      return report(dokku, inputs.app);
    });
    return { id: inputs.app, outs: { ...inputs, ...state } };
  },

  async read(id: string, stored?: LetsEncryptOutputs) {
    const props = stateForRead(stored, `the certificate of Dokku app ${id}`);
    return withTargetSession(props.target, async (dokku) => {
      try {
        const outs: LetsEncryptOutputs = { ...props, ...(await report(dokku, id)) };
        const { active: _active, expiration: _expiration, ...inputs } = outs;
        return foundOnRead(id, outs, inputs);
      } catch (error) {
        if (isAppMissing(error)) return goneOnRead<LetsEncryptOutputs>();
        throw error;
      }
    });
  },

  async update(_id: string, _olds: LetsEncryptOutputs, news: LetsEncryptInputs) {
    const state = await withTargetSession(news.target, async (dokku) => {
      if (news.email !== undefined) await dokku.run(["letsencrypt:set", news.app, "email", news.email]);
      await dokku.run(["letsencrypt:enable", news.app]);
      return report(dokku, news.app);
    });
    return { outs: { ...news, ...state } };
  },

  async delete(id: string, props: LetsEncryptOutputs) {
    await withTargetSession(props.target, async (dokku) => {
      await dokku.run(["letsencrypt:disable", id]).catch((error: unknown) => {
        if (!isAppMissing(error)) throw error;
      });
    });
  },
};
