import { randomBytes } from "node:crypto";
import type { StackState, StoredResource } from "./backend-store";

/**
 * What the real program would declare for a stack, reduced to what the lifecycle can observe: a few resources named
 * from the stack's config, and the outputs the lifecycle relies on (url, hostname, slug, appName as plain values;
 * appKey, databasePassword, basicAuthPassword as secrets, generated once and kept).
 */
export function declare(stack: string, project: string, config: Record<string, unknown>, state: StackState) {
  const kind = String(config["restant:kind"] ?? (stack === "production" ? "production" : stack === "staging" ? "staging" : "branch"));
  const slug = kind === "production" ? "main" : stack;
  const zone = String(config["restant:zone"] ?? "example.com");
  const hostname = kind === "preview" ? `restant-${slug}.${zone}` : `restant.${slug}.${zone}`;
  const urn = (type: string, name: string) => `urn:pulumi:${stack}::${project}::${type}::${name}`;
  const resource = (type: string, name: string, inputs: Record<string, unknown>): StoredResource => ({
    urn: urn(type, name),
    type,
    name,
    inputs,
    outputs: { ...inputs },
  });
  const generated = { ...state.generated };
  const secret = (name: string, make: () => string) => (generated[name] ??= make());
  const appKey = secret("appKey", () => `base64:${randomBytes(32).toString("base64")}`);
  const databasePassword = secret("databasePassword", () => randomBytes(18).toString("base64url"));
  const basicAuthPassword = kind === "preview" ? secret("basicAuthPassword", () => randomBytes(18).toString("base64url")) : undefined;

  const resources: StoredResource[] = [
    resource("pulumi:pulumi:Stack", `${project}-${stack}`, {}),
    resource("restant:index:TenantEnvironment", "restant", {}),
    resource("pulumi-nodejs:dynamic/dokku:App", "restant-app", { name: `restant-${slug}`, domains: [hostname], scale: { web: 1, worker: 1 } }),
    resource("cloudflare:index/dnsRecord:DnsRecord", "restant-dns", { name: hostname, type: "A", content: "203.0.113.10", proxied: false }),
    resource("random:index/randomPassword:RandomPassword", "restant-app-key", { length: 32 }),
    resource("random:index/randomPassword:RandomPassword", "restant-db-password", { length: 24 }),
  ];
  if (kind === "preview") resources.push(resource("random:index/randomPassword:RandomPassword", "restant-basic-auth", { length: 24 }));

  const outputs: StackState["outputs"] = {
    kind: { value: kind, secret: false },
    url: { value: `https://${hostname}`, secret: false },
    hostname: { value: hostname, secret: false },
    slug: { value: slug, secret: false },
    appName: { value: `restant-${slug}`, secret: false },
    appKey: { value: appKey, secret: true },
    databasePassword: { value: databasePassword, secret: true },
    ...(basicAuthPassword ? { basicAuthPassword: { value: basicAuthPassword, secret: true } } : {}),
  };
  return { resources, outputs, generated };
}
