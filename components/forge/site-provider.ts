import type * as pulumi from "@pulumi/pulumi";
import type { ProviderVersion } from "../dynamic-resource";
import { isForgeStatus } from "./api-error";
import { isFailedStatus, type Site } from "./client";
import { changedKeys, forgeClientFor, serverRefFailures } from "./provider-support";
import { waitFor } from "./wait-for";

// Serialized into state with what its methods reach: globals, the client, the helpers here. No credential is an input.

export interface ForgeSiteInputs {
  organization: string;
  serverId: number;
  /** The site's primary domain (the environment's hostname); unique on the server. */
  domain: string;
  /** Where nginx serves from, relative to the site's root: `/public`. */
  webDirectory: string;
  /** `php84`, as Forge names PHP versions. */
  phpVersion: string;
  /** The site's own Linux user (an isolated site): `names.siteUser`. */
  isolatedUser: string;
  /** The git repository, set when the site is made and changed later only through the site's git settings. */
  repository: string;
  branch: string;
  /** Take over a site that already serves `domain` (production and staging adopting what was made by hand). */
  adopt?: boolean;
  version: ProviderVersion;
}

export interface ForgeSiteOutputs extends ForgeSiteInputs {
  siteId: string;
  /** The Linux user Forge runs the site as. */
  user: string;
}

const PHP_VERSION = /^php\d{2,3}$/;
const LINUX_USER = /^[a-z_][a-z0-9_-]{0,31}$/;
const DOMAIN = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

/** Inputs that cannot change in place: a site is found by its domain, and its user is fixed when it is made. */
const REPLACED_BY = ["organization", "serverId", "domain", "isolatedUser"] as const;
const UPDATED_BY = ["webDirectory", "phpVersion", "repository", "branch", "adopt", "version"] as const;

/**
 * A Forge site (type `pulumi-nodejs:dynamic/forge:Site`): created with its repository and waited on until
 * `installed`; read at /orgs/{org}/sites/{site}, so `pulumi refresh` sees a PHP version or web directory changed by
 * hand. A domain already served by a site the stack does not own is refused unless adopted.
 */
export class ForgeSiteProvider implements pulumi.dynamic.ResourceProvider<ForgeSiteInputs, ForgeSiteOutputs> {
  async check(_olds: ForgeSiteInputs, news: ForgeSiteInputs): Promise<pulumi.dynamic.CheckResult<ForgeSiteInputs>> {
    const failures = serverRefFailures(news);
    if (typeof news.domain !== "string" || !DOMAIN.test(news.domain)) failures.push({ property: "domain", reason: "must be a lower-case DNS name" });
    if (typeof news.webDirectory !== "string" || !news.webDirectory.startsWith("/")) failures.push({ property: "webDirectory", reason: 'must start with "/", e.g. "/public"' });
    if (typeof news.phpVersion !== "string" || !PHP_VERSION.test(news.phpVersion)) failures.push({ property: "phpVersion", reason: 'must be a Forge PHP version such as "php84"' });
    if (typeof news.isolatedUser !== "string" || !LINUX_USER.test(news.isolatedUser)) failures.push({ property: "isolatedUser", reason: "must be a Linux user name: at most 32 of a-z, 0-9, _ and -, not starting with a digit or -" });
    if (typeof news.repository !== "string" || news.repository === "") failures.push({ property: "repository", reason: "must be the git repository the site deploys from" });
    if (typeof news.branch !== "string" || news.branch === "") failures.push({ property: "branch", reason: "must be the branch the site is made with" });
    return { inputs: news, failures };
  }

  async diff(_id: string, olds: ForgeSiteOutputs, news: ForgeSiteInputs): Promise<pulumi.dynamic.DiffResult> {
    const replaces = changedKeys(olds, news, REPLACED_BY).map(String);
    const changed = [...replaces, ...changedKeys(olds, news, UPDATED_BY).map(String)];
    return { changes: changed.length > 0, replaces, deleteBeforeReplace: true, stables: ["siteId"] };
  }

  async create(inputs: ForgeSiteInputs): Promise<pulumi.dynamic.CreateResult<ForgeSiteOutputs>> {
    const { client, waits } = forgeClientFor(inputs);
    const taken = await client.siteNamed(inputs.domain).catch((error: Error) => {
      // The first request of an environment: a 404 here means the server (or organization) is not there.
      if (isForgeStatus(error, 404)) {
        throw new Error(`Forge organization "${inputs.organization}" has no server ${inputs.serverId} this token can see: check restant:forge.serverId and restant:forge.organization (${error.message})`);
      }
      throw error;
    });
    if (taken && !inputs.adopt) {
      throw new Error(
        `Forge server ${inputs.serverId} already has a site for ${inputs.domain} (site ${taken.id}) that this stack does not own: ` +
          "delete it in Forge, or adopt it (restant:adopt, production and staging only)",
      );
    }
    const site =
      taken ??
      (await client.createSite({
        name: inputs.domain,
        project_type: "laravel",
        web_directory: inputs.webDirectory,
        php_version: inputs.phpVersion,
        is_isolated: true,
        isolated_user: inputs.isolatedUser,
        repository: inputs.repository,
        branch: inputs.branch,
      }));
    try {
      const installed = await waitForSite(client, site.id, `site ${inputs.domain} (${site.id}) to be installed`, waits);
      const settled = await bringInLine(client, installed, inputs, waits);
      return { id: site.id, outs: siteOutputs(settled, inputs) };
    } catch (error) {
      // A site this call made and could not finish is removed, so no half-made site holds the domain.
      if (!taken) await client.deleteSite(site.id).catch(() => undefined);
      throw error;
    }
  }

  async read(id: string, props?: ForgeSiteOutputs): Promise<pulumi.dynamic.ReadResult<ForgeSiteOutputs>> {
    if (!props) return { id: "", props: undefined };
    const { client } = forgeClientFor(props);
    const site = await client.getSite(id);
    if (!site) return { id: "", props: undefined };
    return { id, props: siteOutputs(site, props) };
  }

  async update(id: string, _olds: ForgeSiteOutputs, news: ForgeSiteInputs): Promise<pulumi.dynamic.UpdateResult<ForgeSiteOutputs>> {
    const { client, waits } = forgeClientFor(news);
    const site = await client.getSite(id);
    if (!site) throw new Error(`Forge site ${news.domain} (${id}) was deleted outside Pulumi: run \`pulumi refresh\` to make it again`);
    return { outs: siteOutputs(await bringInLine(client, site, news, waits), news) };
  }

  async delete(id: string, props: ForgeSiteOutputs): Promise<void> {
    const { client, waits } = forgeClientFor(props);
    if (!(await client.deleteSite(id))) return;
    await waitFor(`site ${props.domain} (${id}) to be removed`, waits, async () => {
      const site = await client.getSite(id);
      return site ? { done: false, status: site.attributes.status } : { done: true, value: undefined };
    });
  }
}

async function waitForSite(client: ReturnType<typeof forgeClientFor>["client"], id: string, what: string, waits: ReturnType<typeof forgeClientFor>["waits"]): Promise<Site> {
  return waitFor(what, waits, async () => {
    const site = await client.getSite(id);
    if (!site) return { failed: "the site disappeared" };
    if (isFailedStatus(site.attributes.status)) return { failed: `status ${site.attributes.status}` };
    return site.attributes.status === "installed" ? { done: true, value: site } : { done: false, status: site.attributes.status };
  });
}

/** Changes only what differs from the inputs: PHP version and web directory, then the repository. */
async function bringInLine(
  client: ReturnType<typeof forgeClientFor>["client"],
  site: Site,
  wanted: ForgeSiteInputs,
  waits: ReturnType<typeof forgeClientFor>["waits"],
): Promise<Site> {
  const { attributes } = site;
  const changes = {
    ...(attributes.php_version !== wanted.phpVersion ? { php_version: wanted.phpVersion } : {}),
    ...(attributes.web_directory !== wanted.webDirectory ? { web_directory: wanted.webDirectory } : {}),
  };
  let wrote = false;
  if (Object.keys(changes).length > 0) {
    await client.updateSite(site.id, changes);
    wrote = true;
  }
  if (attributes.repository?.url !== wanted.repository || attributes.repository?.branch !== wanted.branch) {
    await client.updateGit(site.id, { repository: wanted.repository, branch: wanted.branch });
    wrote = true;
  }
  return wrote ? waitForSite(client, site.id, `site ${wanted.domain} (${site.id}) to apply its changes`, waits) : site;
}

/** The state: Forge's view of the site, plus the settings only the program has. */
function siteOutputs(site: Site, settings: ForgeSiteInputs): ForgeSiteOutputs {
  const { attributes } = site;
  return {
    organization: settings.organization,
    serverId: settings.serverId,
    domain: attributes.name,
    webDirectory: attributes.web_directory,
    phpVersion: attributes.php_version,
    isolatedUser: attributes.isolated ? attributes.user : "",
    repository: attributes.repository?.url ?? "",
    branch: attributes.repository?.branch ?? "",
    ...(settings.adopt === undefined ? {} : { adopt: settings.adopt }),
    version: settings.version,
    siteId: site.id,
    user: attributes.user,
  };
}
