import type { StackValidationPolicy } from "@pulumi/policy";
import { isKnownProp, knownStringProp } from "../props";
import { APP_TYPES, appReferenceInputOf, AUTH_SECRET_INPUTS, AUTH_TYPES, TENANT_ENVIRONMENT } from "../resource-types";
import { environmentSpecOf } from "../stack-spec";

/**
 * Previews run unreviewed code against a copy of real data: every preview app answers only behind HTTP basic auth,
 * an auth resource for that app (components/dokku/access/http-auth.ts on Dokku, components/forge/security-rule.ts on
 * Forge) with a user and a password.
 */
export const previewsProtected: StackValidationPolicy = {
  name: "previews-protected",
  description: "Every app of a preview stack (Dokku app, Forge site) is behind HTTP basic auth.",
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
    // A secret not known yet during a preview is one generated in the same run (never empty); user and app must be known.
    const hasSecret = (props: Record<string, unknown>) =>
      AUTH_SECRET_INPUTS.some((key) => !isKnownProp(props, key) || (typeof props[key] === "string" && props[key] !== ""));
    const closedApps = new Set(
      args.resources
        .filter((r) => AUTH_TYPES.has(r.type) && knownStringProp(r.props, "user") && hasSecret(r.props))
        .map((r) => knownStringProp(r.props, appReferenceInputOf(r.type))),
    );
    for (const app of args.resources.filter((r) => APP_TYPES.has(r.type))) {
      const appRef = knownStringProp(app.props, appReferenceInputOf(app.type));
      if (appRef !== undefined && closedApps.has(appRef)) continue;
      reportViolation(
        `preview app "${appRef ?? app.name}" is open to the public: give it HTTP basic auth, an auth resource for this ` +
          `app with the user and the environment's password (components/dokku/access/http-auth.ts on Dokku, ` +
          `components/forge/security-rule.ts on Forge).`,
        app.urn,
      );
    }
  },
};
