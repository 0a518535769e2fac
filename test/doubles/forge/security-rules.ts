import { accepted, invalid, notFound, one, page, resource, type Answer } from "./json-api";
import type { ForgeState, SecurityRuleRecord, SiteRecord } from "./state";

type Body = Record<string, unknown>;

function attributes(rule: SecurityRuleRecord): Record<string, unknown> {
  return { name: rule.name, path: rule.path, status: rule.status, created_at: rule.createdAt, updated_at: rule.updatedAt };
}

/**
 * The validation of the reference's CreateSecurityRuleRequest / UpdateSecurityRuleRequest, with Laravel's messages:
 * name required (≤ 255), path a string (≤ 255; null on update), credentials at least one, each with a username
 * (≤ 50) and, on create, a password. On update a credential without a password keeps the one its username has.
 */
function validate(body: Body, creating: boolean): Record<string, string[]> {
  const errors: Record<string, string[]> = {};
  if (typeof body.name !== "string" || body.name.trim() === "") errors.name = ["The name field is required."];
  else if (body.name.length > 255) errors.name = ["The name field must not be greater than 255 characters."];
  if (body.path !== undefined && !(body.path === null && !creating)) {
    if (typeof body.path !== "string") errors.path = ["The path field must be a string."];
    else if (body.path.length > 255) errors.path = ["The path field must not be greater than 255 characters."];
  }
  const credentials = body.credentials;
  if (credentials === undefined || credentials === null) errors.credentials = ["The credentials field is required."];
  else if (!Array.isArray(credentials)) errors.credentials = ["The credentials field must be an array."];
  else if (credentials.length === 0) errors.credentials = ["The credentials field must have at least 1 items."];
  else {
    credentials.forEach((credential: unknown, index) => {
      const { username, password } = (credential ?? {}) as Body;
      const at = `credentials.${index}`;
      if (typeof username !== "string" || username === "") errors[`${at}.username`] = [`The ${at}.username field is required.`];
      else if (username.length > 50) errors[`${at}.username`] = [`The ${at}.username field must not be greater than 50 characters.`];
      if (creating && (typeof password !== "string" || password === "")) errors[`${at}.password`] = [`The ${at}.password field is required.`];
      else if (password !== undefined && typeof password !== "string") errors[`${at}.password`] = [`The ${at}.password field must be a string.`];
    });
  }
  return errors;
}

function credentialsOf(body: Body, before: SecurityRuleRecord["credentials"] = []): SecurityRuleRecord["credentials"] {
  return (body.credentials as Body[]).map(({ username, password }) => ({
    username: username as string,
    password: typeof password === "string" ? password : (before.find((c) => c.username === username)?.password ?? ""),
  }));
}

/**
 * /orgs/{org}/servers/{server}/sites/{site}/security-rules[/{securityRule}] as the reference has it: list and show
 * answer at once; create answers 202 with the rule `installing`, update and delete 202 with no body, and the rule's
 * status moves on (installed, or gone) after the double's asyncMs. No answer ever holds a credential.
 */
export function securityRules(state: ForgeState, site: SiteRecord, method: string, id: string | undefined, query: URLSearchParams, body: Body): Answer {
  if (id === undefined) {
    if (method === "GET") return page(site.securityRules.map((rule) => resource("securityRules", rule.id, attributes(rule))), query);
    if (method !== "POST") return notFound();
    const errors = validate(body, true);
    if (Object.keys(errors).length > 0) return invalid(errors);
    const now = state.timestamp();
    const rule: SecurityRuleRecord = {
      id: state.nextId(),
      name: body.name as string,
      path: typeof body.path === "string" ? body.path : null,
      credentials: credentialsOf(body),
      createdAt: now,
      updatedAt: now,
      status: "installing",
    };
    state.startAsync(rule, "installing", "installed");
    site.securityRules.push(rule);
    return one("securityRules", rule.id, attributes(rule), 202);
  }
  const rule = site.securityRules.find((r) => r.id === Number(id));
  if (!rule) return notFound("No query results for model [App\\Models\\SecurityRule].");
  if (method === "GET") return one("securityRules", rule.id, attributes(rule));
  if (method === "PUT") {
    const errors = validate(body, false);
    if (Object.keys(errors).length > 0) return invalid(errors);
    rule.name = body.name as string;
    if (body.path !== undefined) rule.path = body.path as string | null;
    rule.credentials = credentialsOf(body, rule.credentials);
    rule.updatedAt = state.timestamp();
    state.startAsync(rule, "updating", "installed");
    return accepted;
  }
  if (method === "DELETE") {
    state.startAsync(rule, "removing", "gone");
    return accepted;
  }
  return notFound();
}
