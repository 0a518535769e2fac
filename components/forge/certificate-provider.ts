import type * as pulumi from "@pulumi/pulumi";
import type { ProviderVersion } from "../dynamic-resource";
import { isFailedStatus } from "./client";
import { changedKeys, forgeClientFor, serverRefFailures } from "./provider-support";
import { waitFor } from "./wait-for";

export interface ForgeCertificateInputs {
  organization: string;
  serverId: number;
  siteId: string;
  /** The site's domain the certificate is for (the environment's hostname). */
  domain: string;
  version: ProviderVersion;
}

export interface ForgeCertificateOutputs extends ForgeCertificateInputs {
  domainId: string;
  status: string;
}

/**
 * A Let's Encrypt certificate (HTTP-01) for one of a site's domains (type `pulumi-nodejs:dynamic/forge:Certificate`).
 * In this API a certificate belongs to the domain record, so its id is `<site>/<domain record>`; it is requested once
 * and waited on until installed, and a removed certificate reads as gone, so the next `up` requests it again.
 */
export class ForgeCertificateProvider implements pulumi.dynamic.ResourceProvider<ForgeCertificateInputs, ForgeCertificateOutputs> {
  async check(_olds: ForgeCertificateInputs, news: ForgeCertificateInputs): Promise<pulumi.dynamic.CheckResult<ForgeCertificateInputs>> {
    const failures = serverRefFailures(news);
    if (typeof news.siteId !== "string" || news.siteId === "") failures.push({ property: "siteId", reason: "must be the Forge site's id" });
    if (typeof news.domain !== "string" || news.domain === "") failures.push({ property: "domain", reason: "must be the site's domain" });
    return { inputs: news, failures };
  }

  async diff(_id: string, olds: ForgeCertificateOutputs, news: ForgeCertificateInputs): Promise<pulumi.dynamic.DiffResult> {
    // A certificate Forge reports failed (or still not installed after a refresh) is requested again.
    const replaces = [...changedKeys(olds, news, ["organization", "serverId", "siteId", "domain"]).map(String), ...(olds.status === "installed" ? [] : ["status"])];
    const changed = [...replaces, ...changedKeys(olds, news, ["version"]).map(String)];
    return { changes: changed.length > 0, replaces, deleteBeforeReplace: true };
  }

  async create(inputs: ForgeCertificateInputs): Promise<pulumi.dynamic.CreateResult<ForgeCertificateOutputs>> {
    const { client, waits } = forgeClientFor(inputs);
    const domain = await client.domainNamed(inputs.siteId, inputs.domain);
    if (!domain) throw new Error(`Forge site ${inputs.siteId} has no domain ${inputs.domain} to certify: the site's domain is set when the site is made`);
    const existing = await client.getCertificate(inputs.siteId, domain.id);
    if (!existing || isFailedStatus(existing.attributes.status)) {
      if (existing) await client.deleteCertificate(inputs.siteId, domain.id);
      await client.requestLetsEncrypt(inputs.siteId, domain.id);
    }
    const installed = await waitFor(`the Let's Encrypt certificate of ${inputs.domain} to be installed`, waits, async () => {
      const live = await client.getCertificate(inputs.siteId, domain.id);
      if (!live) return { failed: "the certificate request disappeared" };
      if (isFailedStatus(live.attributes.status)) return { failed: `status ${live.attributes.status} (request ${live.attributes.request_status ?? "unknown"}): does ${inputs.domain} point at the server?` };
      return live.attributes.status === "installed" ? { done: true, value: live } : { done: false, status: `${live.attributes.status} (${live.attributes.request_status ?? "?"})` };
    });
    return { id: `${inputs.siteId}/${domain.id}`, outs: { ...inputs, domainId: domain.id, status: installed.attributes.status } };
  }

  async read(id: string, props?: ForgeCertificateOutputs): Promise<pulumi.dynamic.ReadResult<ForgeCertificateOutputs>> {
    if (!props) return { id: "", props: undefined };
    const { client } = forgeClientFor(props);
    const live = await client.getCertificate(props.siteId, props.domainId);
    return live ? { id, props: { ...props, status: live.attributes.status } } : { id: "", props: undefined };
  }

  async update(_id: string, olds: ForgeCertificateOutputs, news: ForgeCertificateInputs): Promise<pulumi.dynamic.UpdateResult<ForgeCertificateOutputs>> {
    return { outs: { ...news, domainId: olds.domainId, status: olds.status } };
  }

  /** Waits until the certificate is gone: a replacement requested while the old one is still removing would find it. */
  async delete(_id: string, props: ForgeCertificateOutputs): Promise<void> {
    const { client, waits } = forgeClientFor(props);
    if (!(await client.deleteCertificate(props.siteId, props.domainId))) return;
    await waitFor(`the certificate of ${props.domain} to be removed`, waits, async () => {
      const live = await client.getCertificate(props.siteId, props.domainId);
      return live ? { done: false, status: live.attributes.status } : { done: true, value: undefined };
    });
  }
}
