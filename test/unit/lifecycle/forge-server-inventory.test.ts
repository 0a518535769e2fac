import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ForgeClient } from "../../../components/forge/client";
import { DEFAULT_RETRY_POLICY } from "../../../components/http/retry-policy";
import { namesForSlug, slugForBranch, slugForPullRequest } from "../../../infra/names";
import { ForgeServerInventory } from "../../../scripts/lifecycle/forge-server-inventory";
import { startForgeDouble, type ForgeDouble } from "../../doubles/forge/server";

let double: ForgeDouble;
let inventory: ForgeServerInventory;

/** Makes an environment's things on the double's server by hand, as an earlier `up` would have left them. */
function leave(slug: string): void {
  const names = namesForSlug(slug);
  const { state } = double;
  const site = { id: state.nextId(), serverId: double.serverId, name: `restant.${slug}.example.com`, webDirectory: "/public", phpVersion: "php84", isolated: true, user: names.siteUser, repository: null, environment: "", deployScript: "", domains: [], securityRules: [], status: "installed" };
  state.sites.push(site);
  const database = { id: state.nextId(), serverId: double.serverId, name: names.mysqlDatabase, status: "installed" };
  state.databases.push(database);
  state.databaseUsers.push({ id: state.nextId(), serverId: double.serverId, name: names.mysqlUser, password: "x", databaseIds: [database.id], status: "installed" });
  state.backgroundProcesses.push({ id: state.nextId(), serverId: double.serverId, name: names.queueWorker, command: "php artisan queue:work", user: names.siteUser, directory: "/home", processes: 1, status: "running" });
}

beforeEach(async () => {
  double = await startForgeDouble({ asyncMs: 1 });
  inventory = new ForgeServerInventory(new ForgeClient({ apiUrl: double.url, token: double.token }, DEFAULT_RETRY_POLICY, { organization: double.organization, serverId: double.serverId }));
});
afterEach(async () => double.stop());

describe("the Forge server inventory the reaper reads", () => {
  it("lists exactly the previews' sites, databases, users and workers, never production's, staging's or a branch's", async () => {
    for (const slug of [slugForPullRequest(7), slugForPullRequest(12), slugForBranch("main"), slugForBranch("staging"), slugForBranch("pr-7")]) leave(slug);
    const listed = await inventory.list();
    expect(listed.map((r) => `${r.kind} ${r.name} ${r.slug}`).sort()).toEqual(
      [
        "forge-background-process restant-pr-12-queue pr-12",
        "forge-background-process restant-pr-7-queue pr-7",
        "forge-database restant_pr_12 pr-12",
        "forge-database restant_pr_7 pr-7",
        "forge-database-user restant_pr_12 pr-12",
        "forge-database-user restant_pr_7 pr-7",
        "forge-site restant-pr-12 pr-12",
        "forge-site restant-pr-7 pr-7",
      ].sort(),
    );
  });

  it("removes a preview's leftovers, twice without error, and refuses production's names", async () => {
    leave("pr-7");
    leave("main");
    for (let round = 0; round < 2; round += 1) for (const resource of await inventory.list()) await inventory.remove(resource);
    double.state.finishPending();
    expect(double.state.sites.map((s) => s.user)).toEqual(["restant-main"]);
    expect(double.state.databases.map((d) => d.name)).toEqual(["restant_main"]);
    expect(double.state.databaseUsers.map((u) => u.name)).toEqual(["restant_main"]);
    expect(double.state.backgroundProcesses.map((p) => p.name)).toEqual(["restant-main-queue"]);
    await expect(inventory.remove({ kind: "forge-database", name: "restant_main", slug: "pr-7" })).rejects.toThrow(/not preview pr-7's: not removed/);
    expect(double.state.databases).toHaveLength(1);
  });
});
