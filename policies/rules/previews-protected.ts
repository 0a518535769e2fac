import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { objectProp, stringProp } from "../props";
import { APP_TYPES, HTTP_AUTH_TYPE, TENANT_ENVIRONMENT } from "../resource-types";
import { environmentSpecOf } from "../stack-spec";

/** App inputs that carry Dokku http-auth when the app component sets it itself. */
const AUTH_INPUTS = ["httpAuth", "basicAuth"] as const;

/**
 * Previews run unreviewed code against a copy of real data: every preview app answers only behind HTTP basic auth,
 * set on the app itself or by an http-auth resource for it.
 */
export const previewsProtected: StackValidationPolicy = {
  name: "previews-protected",
  description: "Every app of a preview stack is behind HTTP basic auth.",
  enforcementLevel: "mandatory",
  validateStack: (args, reportViolation) => {
    const spec = environmentSpecOf(args.resources);
    if (spec?.kind !== "preview") return;
    const environment = args.resources.find((r) => r.type === TENANT_ENVIRONMENT);
    if (!spec.basicAuth) {
      reportViolation(
        `preview "${spec.stack}" has basicAuth off in its spec: previews are always closed (infra/spec.ts sets ` +
          `basicAuth for kind preview); restore that rule.`,
        environment?.urn,
      );
    }
    const protectedApps = new Set(
      args.resources.filter((r) => HTTP_AUTH_TYPE.test(r.type)).map((r) => stringProp(r.props, "appName") ?? stringProp(r.props, "app")),
    );
    for (const app of args.resources.filter((r) => APP_TYPES.has(r.type))) {
      if (hasAuthInput(app) || protectedApps.has(stringProp(app.props, "appName"))) continue;
      reportViolation(
        `preview app "${stringProp(app.props, "appName") ?? app.name}" is open to the public: give it HTTP basic auth ` +
          `(the app component's http-auth for previews, user and generated password from the environment's secrets).`,
        app.urn,
      );
    }
  },
};

function hasAuthInput(app: PolicyResource): boolean {
  return AUTH_INPUTS.some((key) => {
    const auth = objectProp(app.props, key);
    return auth !== undefined && Boolean(stringProp(auth, "username") ?? stringProp(auth, "user")) && auth.password !== undefined && auth.password !== "";
  });
}
