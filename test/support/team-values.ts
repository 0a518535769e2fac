/**
 * The values a team puts in Pulumi.yaml in place of the shipped examples (example.com, 203.0.113.10, the example host
 * key, …), which a real preview or up refuses: the new user's clone and the pulumi CLI double's project use them.
 */
export const TEAM_ZONE = "restant.app";

export const TEAM_VALUES: Readonly<Record<string, unknown>> = {
  "restant:zone": TEAM_ZONE,
  "restant:zoneId": "5f0c7a3b9e2d41c68a7b3c2d1e0f9a8b",
  "restant:gitRepository": "git@github.com:restant-hq/restant.git",
  "restant:dokku": {
    host: "dokku.restant.app",
    port: 22,
    user: "dokku",
    hostKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGp0dBd1Zr3nQk7hJd8w2qXv9Ls4Tn6Yc1Rb5Ue0Wa3K",
    ipv4: "95.216.10.20",
  },
  "restant:flagsmith": { project: 4, apiUrl: "https://flags.restant.app/api/v1/" },
  "restant:tls": { email: "ops@restant.app" },
};

/** A team's Forge server, for stacks with `restant:runtime: forge` (the Forge double serves this organization and server). */
export const TEAM_FORGE = { organization: "restant-co", serverId: 5150, ipv4: "95.216.10.50" } as const;

/** Pulumi.yaml's `config:` with the team's values in place of the examples (the Grafana e-mails too). */
export function withTeamValues(config: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(TEAM_VALUES)) config[key] = { value };
  const grafana = (config["restant:grafana"] as { value: Record<string, unknown> } | undefined)?.value;
  if (grafana) config["restant:grafana"] = { value: { ...grafana, oncallEmails: ["oncall@restant.app"], notifyEmails: ["dev@restant.app"] } };
}
