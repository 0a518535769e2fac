import type { StackValidationPolicy } from "@pulumi/policy";
import { isKnownProp, knownStringProp } from "../props";
import { APP_TYPES, AUTH_TYPES, TENANT_ENVIRONMENT } from "../resource-types";
import { environmentSpecOf } from "../stack-spec";

/**
 * Previews run unreviewed code against a copy of real data: every preview app answers only behind HTTP basic auth,
 * an http-auth resource (components/dokku/access/http-auth.ts) for that app with a user and a password.
 */
export const previewsProtected: StackValidationPolicy = {
  name: "previews-protected",
  description: "Every app of a preview stack is behind HTTP basic auth.",
  enforcementLevel: "mandatory",
  validateStack: (args, reportViolation) => {
    const spec = environmentSpecOf(args.resources);
    if (spec?.kind !== "preview") return;
    if (!spec.basicAuth) {
      reportViolation(
        `preview "${spec.stack}" has basicAuth off in its spec: previews are always closed (infra/spec.ts sets ` +
          `basicAuth for kind preview); restore that rule.`,
        args.resources.find((r) => r.type === TENANT_ENVIRONMENT)?.urn,
      );
    }
    // A password not known yet during a preview is one generated in the same run (never empty); user and app must be known.
    const hasPassword = (props: Record<string, unknown>) => !isKnownProp(props, "password") || (props.password !== undefined && props.password !== "");
    const closedApps = new Set(
      args.resources
        .filter((r) => AUTH_TYPES.has(r.type) && knownStringProp(r.props, "user") && hasPassword(r.props))
        .map((r) => knownStringProp(r.props, "app")),
    );
    for (const app of args.resources.filter((r) => APP_TYPES.has(r.type))) {
      const appName = knownStringProp(app.props, "appName");
      if (appName !== undefined && closedApps.has(appName)) continue;
      reportViolation(
        `preview app "${appName ?? app.name}" is open to the public: give it HTTP basic auth, an http-auth resource ` +
          `(components/dokku/access/http-auth.ts) for this app with the user and the environment's generated password.`,
        app.urn,
      );
    }
  },
};
