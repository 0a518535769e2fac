import * as pulumi from "@pulumi/pulumi";
import * as grafana from "@pulumiverse/grafana";
import type { GrafanaSettings } from "../infra/config/schema";

export interface PlatformAlertingArgs {
  /** Folder uid, contact point names and their addresses (`restant:grafana`). */
  grafana: GrafanaSettings;
}

/** The Grafana folder every environment's rules live in, and the two contact points: one pages, one only notifies. */
export class PlatformAlerting extends pulumi.ComponentResource {
  constructor(name: string, args: PlatformAlertingArgs, opts?: pulumi.ComponentResourceOptions) {
    super("restant:monitoring:PlatformAlerting", name, {}, opts);
    const { grafana: settings } = args;
    new grafana.oss.Folder(`${name}-folder`, { uid: settings.folderUid, title: "Restant environments" }, { parent: this });
    this.createContactPoint(`${name}-oncall`, settings.oncallContactPoint, settings.oncallEmails);
    this.createContactPoint(`${name}-notify`, settings.notifyContactPoint, settings.notifyEmails);
    this.registerOutputs({});
  }

  private createContactPoint(name: string, title: string, addresses: string[]): void {
    new grafana.alerting.ContactPoint(
      name,
      { name: title, emails: [{ addresses, singleEmail: true }] },
      { parent: this },
    );
  }
}
