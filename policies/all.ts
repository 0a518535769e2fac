import type { Policies } from "@pulumi/policy";
import { alertsRouted } from "./rules/alerts-routed";
import { dnsProxyDepth } from "./rules/dns-proxy-depth";
import { namesFollowSpec } from "./rules/names-follow-spec";
import { previewsIsolated } from "./rules/previews-isolated";
import { previewsProtected } from "./rules/previews-protected";
import { productionDataProtected } from "./rules/production-data-protected";
import { remoteCommandsSafe } from "./rules/remote-commands-safe";
import { secretsAreSecret } from "./rules/secrets-are-secret";

/** The name the pack registers under (PulumiPolicy.yaml's folder, `--policy-pack policies`). */
export const POLICY_PACK_NAME = "restant-guardrails";

/**
 * Every policy of the pack, in one list: index.ts serves it to the engine, `npm run plan` runs it over the offline
 * plan (scripts/plan/run-policies.ts), the tests import it. Importing this module serves nothing.
 */
export const policies: Policies = [
  productionDataProtected,
  previewsIsolated,
  dnsProxyDepth,
  remoteCommandsSafe,
  secretsAreSecret,
  previewsProtected,
  alertsRouted,
  namesFollowSpec,
];
