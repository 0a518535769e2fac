import * as pulumi from "@pulumi/pulumi";
import * as grafana from "@pulumiverse/grafana";
import type { EnvironmentSpec } from "../infra/spec";

export interface EnvironmentMonitoringArgs {
  /** What to watch and whom to tell (infra/spec.ts `monitoring`). */
  monitoring: NonNullable<EnvironmentSpec["monitoring"]>;
  /** Labels every rule carries: at least `environment` (the slug) and `kind`. */
  labels: Record<string, string>;
  /** Credentials for the synthetic check when the site is behind basic auth (previews). Default: none. */
  basicAuth?: { username: string; password: pulumi.Input<string> };
  /**
   * What the environment is live only after: its deploy. The alert rules are made once it succeeded, so a health check
   * with no data (nothing deployed yet, a first deploy that failed) pages no one; after the first successful deploy no
   * data alerts like a failing check. Default: none (the rules are made at once).
   */
  liveAfter?: pulumi.Resource[];
}

/**
 * Grafana watching one environment: a synthetic check of its health URL (`restant:app.healthPath`, default /up), and a rule group alerting when that
 * check fails or the 5xx share passes its threshold; the rules exist only once the first deploy succeeded
 * (`liveAfter`), and from then on no data from the check alerts too. Production's rules go to the paging contact point; every other
 * environment's to the one that only notifies.
 */
export class EnvironmentMonitoring extends pulumi.ComponentResource {
  readonly check: grafana.syntheticmonitoring.Check;
  readonly rules: grafana.alerting.RuleGroup;

  constructor(name: string, args: EnvironmentMonitoringArgs, opts?: pulumi.ComponentResourceOptions) {
    super("restant:monitoring:EnvironmentMonitoring", name, {}, opts);
    this.check = this.createHealthCheck(name, args);
    this.rules = this.createRuleGroup(name, args);
    this.registerOutputs({});
  }

  private createHealthCheck(name: string, args: EnvironmentMonitoringArgs): grafana.syntheticmonitoring.Check {
    const { monitoring } = args;
    return new grafana.syntheticmonitoring.Check(
      `${name}-health-check`,
      {
        job: monitoring.checkJob,
        target: monitoring.healthUrl,
        probes: monitoring.probes,
        frequency: 60_000,
        timeout: 10_000,
        labels: args.labels,
        settings: {
          http: {
            method: "GET",
            validStatusCodes: [200],
            failIfNotSsl: true,
            ...(args.basicAuth ? { basicAuth: { username: args.basicAuth.username, password: pulumi.secret(args.basicAuth.password) } } : {}),
          },
        },
      },
      { parent: this },
    );
  }

  private createRuleGroup(name: string, args: EnvironmentMonitoringArgs): grafana.alerting.RuleGroup {
    const { monitoring } = args;
    const labels = { ...args.labels, severity: monitoring.pages ? "page" : "notify" };
    const notificationSettings = { contactPoint: monitoring.contactPoint };
    const healthQuery = `min(probe_success{job="${monitoring.checkJob}", instance="${monitoring.healthUrl}"})`;
    return new grafana.alerting.RuleGroup(
      `${name}-rules`,
      {
        name: monitoring.ruleGroupName,
        folderUid: monitoring.folderUid,
        intervalSeconds: 60,
        rules: [
          {
            name: `${monitoring.ruleGroupName} ${new URL(monitoring.healthUrl).pathname} failing`,
            condition: "B",
            for: monitoring.downFor,
            noDataState: "Alerting",
            execErrState: "Error",
            labels,
            annotations: { summary: `${monitoring.healthUrl} is failing the synthetic check` },
            notificationSettings,
            datas: [prometheusQuery(monitoring.datasourceUid, healthQuery), threshold("lt", 1)],
          },
          {
            name: `${monitoring.ruleGroupName} 5xx rate`,
            condition: "B",
            for: "5m",
            noDataState: "OK",
            execErrState: "Error",
            labels,
            annotations: { summary: `more than ${monitoring.errorRateThreshold * 100}% of requests answer 5xx` },
            notificationSettings,
            datas: [prometheusQuery(monitoring.datasourceUid, monitoring.errorRateQuery), threshold("gt", monitoring.errorRateThreshold)],
          },
        ],
      },
      { parent: this, ...(args.liveAfter ? { dependsOn: args.liveAfter } : {}) },
    );
  }
}

function prometheusQuery(datasourceUid: string, expr: string) {
  return {
    refId: "A",
    datasourceUid,
    relativeTimeRange: { from: 600, to: 0 },
    model: JSON.stringify({ refId: "A", expr, instant: true }),
  };
}

/** A server-side expression: fires when A is below (lt) or above (gt) the value. */
function threshold(type: "lt" | "gt", value: number) {
  return {
    refId: "B",
    datasourceUid: "__expr__",
    relativeTimeRange: { from: 0, to: 0 },
    model: JSON.stringify({
      refId: "B",
      type: "threshold",
      expression: "A",
      datasource: { type: "__expr__", uid: "__expr__" },
      conditions: [{ evaluator: { type, params: [value] } }],
    }),
  };
}
