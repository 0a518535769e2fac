import type { StackValidationPolicy } from "@pulumi/policy";
import { objectProp, stringProp } from "../props";
import { RULE_GROUP } from "../resource-types";
import { environmentSpecOf } from "../stack-spec";

/** A rule as it sits in a Grafana rule group's `rules` input. */
interface RuleProps {
  name?: unknown;
  labels?: Record<string, unknown>;
  notificationSettings?: { contactPoint?: unknown };
}

/**
 * Someone must hear when an environment is down, and only production may wake anyone up: each environment has a
 * Grafana rule group labelled with its slug, routed to its spec's contact point, and only production's rules page.
 */
export const alertsRouted: StackValidationPolicy = {
  name: "alerts-routed",
  description: "Each environment has an alert rule group labelled with its slug; only production pages.",
  enforcementLevel: "advisory",
  validateStack: (args, reportViolation) => {
    const spec = environmentSpecOf(args.resources);
    if (!spec) return;
    const slug = spec.names.slug;
    const groups = args.resources.filter((r) => r.type === RULE_GROUP);
    if (!spec.monitoring || groups.length === 0) {
      reportViolation(
        `environment "${slug}" has no Grafana alert rule group, so nobody hears when it is down: set restant:grafana ` +
          `(project defaults in Pulumi.yaml) so the environment gets its rules.`,
      );
      return;
    }
    const production = spec.kind === "production";
    let pages = false;
    for (const group of groups) {
      const rules = Array.isArray(group.props.rules) ? (group.props.rules as RuleProps[]) : [];
      for (const rule of rules) {
        const ruleName = typeof rule.name === "string" ? rule.name : group.name;
        const labels = rule.labels ?? {};
        if (labels.environment !== slug) {
          reportViolation(
            `alert rule "${ruleName}" is not labelled environment="${slug}": label every rule with its environment's ` +
              `slug so alerts say where they come from and route by it.`,
            group.urn,
          );
        }
        const contactPoint = stringProp(objectProp(rule as Record<string, unknown>, "notificationSettings") ?? {}, "contactPoint");
        const paging = labels.severity === "page";
        pages ||= paging;
        if (!production && (paging || spec.monitoring.pages)) {
          reportViolation(
            `alert rule "${ruleName}" of ${spec.kind} "${slug}" pages: only production pages; route it to the notify ` +
              `contact point (restant:grafana.notifyContactPoint) with severity "notify".`,
            group.urn,
          );
        }
        if (contactPoint !== spec.monitoring.contactPoint) {
          reportViolation(
            `alert rule "${ruleName}" goes to contact point "${contactPoint ?? "(none)"}", not the environment's ` +
              `"${spec.monitoring.contactPoint}": take the contact point from the spec (infra/spec.ts monitoring).`,
            group.urn,
          );
        }
      }
    }
    if (production && !pages) {
      reportViolation(
        `production has no paging alert rule: production's rules carry severity "page" and go to the on-call contact ` +
          `point (restant:grafana.oncallContactPoint).`,
      );
    }
  },
};
