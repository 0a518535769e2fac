import { describe, expect, it } from "vitest";
import { requireBuilt } from "../../support/built";

const { planAppChanges } = requireBuilt<typeof import("../../../components/dokku/app/app-plan")>("components/dokku/app/app-plan.ts");
const { OWNERSHIP_KEY, ownershipMarker } = requireBuilt<typeof import("../../../components/dokku/app/ownership")>("components/dokku/app/ownership.ts");
type AppOnServer = import("../../../components/dokku/app/app-model").AppOnServer;

const b64 = (text: string) => Buffer.from(text, "utf8").toString("base64");
const fresh: AppOnServer = { config: { NO_VHOST: "1" }, domains: [], scale: { web: 1 }, deployed: false };
const desired = { appName: "restant-main", domains: ["a.example.com", "b.example.com"], config: { APP_ENV: "production", APP_KEY: "s3cret" }, scale: { web: 1, worker: 1 } };
/** The server after the desired state was applied, deployed. */
const applied: AppOnServer = {
  config: { NO_VHOST: "0", [OWNERSHIP_KEY]: ownershipMarker(["APP_ENV", "APP_KEY"]), APP_ENV: "production", APP_KEY: "s3cret" },
  domains: ["b.example.com", "a.example.com"],
  scale: { web: 1, worker: 1 },
  deployed: true,
};
const argsOf = (commands: { args: readonly string[] }[]) => commands.map((command) => command.args);

describe("planAppChanges", () => {
  it("creates with one config:set carrying the marker first, never restarting", () => {
    expect(argsOf(planAppChanges(fresh, desired, { restart: false }))).toEqual([
      ["config:set", "--no-restart", "--encoded", "restant-main", `${OWNERSHIP_KEY}=${b64("v1:APP_ENV,APP_KEY")}`, `APP_ENV=${b64("production")}`, `APP_KEY=${b64("s3cret")}`],
      ["domains:set", "restant-main", "a.example.com", "b.example.com"],
      ["ps:scale", "--skip-deploy", "restant-main", "web=1", "worker=1"],
    ]);
  });

  it("does nothing when the server matches, whatever the order of domains", () => {
    expect(planAppChanges(applied, desired, { restart: true })).toEqual([]);
  });

  it("changes one key with one command that restarts once", () => {
    const plan = planAppChanges(applied, { ...desired, config: { ...desired.config, APP_ENV: "staging" } }, { restart: true });
    expect(argsOf(plan)).toEqual([["config:set", "--encoded", "restant-main", `APP_ENV=${b64("staging")}`]]);
    expect(plan[0].redact).toEqual(expect.arrayContaining(["staging", b64("staging")]));
  });

  it("unsets a key it managed, restarting on the unset only, and leaves others' keys alone", () => {
    const server = { ...applied, config: { ...applied.config, DATABASE_URL: "mysql://linked" } };
    const plan = planAppChanges(server, { ...desired, config: { APP_ENV: "production" } }, { restart: true });
    expect(argsOf(plan)).toEqual([
      ["config:set", "--no-restart", "--encoded", "restant-main", `${OWNERSHIP_KEY}=${b64("v1:APP_ENV")}`],
      ["config:unset", "restant-main", "APP_KEY"],
    ]);
  });

  it("unsets keys the last outputs held even when the marker lost them", () => {
    const server = { ...applied, config: { ...applied.config, [OWNERSHIP_KEY]: "v1:" } };
    const plan = planAppChanges(server, { ...desired, config: { APP_ENV: "production" } }, { restart: true, previouslyManaged: ["APP_ENV", "APP_KEY"] });
    expect(argsOf(plan).map((args) => args[0])).toEqual(["config:set", "config:unset"]);
  });

  it("restarts nothing when a deploy follows (a new commit's SENTRY_RELEASE), recording a scale change for that deploy", () => {
    const release = { ...desired, config: { ...desired.config, APP_ENV: "x" }, scale: { web: 2, worker: 1 } };
    expect(argsOf(planAppChanges(applied, release, { restart: true, deployFollows: true }))).toEqual([
      ["ps:scale", "--skip-deploy", "restant-main", "web=2", "worker=1"],
      ["config:set", "--no-restart", "--encoded", "restant-main", `APP_ENV=${b64("x")}`],
    ]);
  });

  it("redeploys through ps:scale when only the scale changed", () => {
    expect(argsOf(planAppChanges(applied, { ...desired, scale: { web: 2, worker: 1 } }, { restart: true }))).toEqual([
      ["ps:scale", "restant-main", "web=2", "worker=1"],
    ]);
  });

  it("records a new scale without deploying when config changes too, so the single restart applies both", () => {
    const plan = planAppChanges(applied, { ...desired, scale: { web: 2, worker: 0 }, config: { ...desired.config, APP_ENV: "x" } }, { restart: true });
    expect(argsOf(plan)).toEqual([
      ["ps:scale", "--skip-deploy", "restant-main", "web=2", "worker=0"],
      ["config:set", "--encoded", "restant-main", `APP_ENV=${b64("x")}`],
    ]);
  });

  it("sets domains only when the set differs, and clears them with domains:clear", () => {
    expect(argsOf(planAppChanges(applied, { ...desired, domains: ["a.example.com"] }, { restart: true }))).toEqual([["domains:set", "restant-main", "a.example.com"]]);
    expect(argsOf(planAppChanges(applied, { ...desired, domains: [] }, { restart: true }))).toEqual([["domains:clear", "restant-main"]]);
  });

  it("sets domains twice on an app with vhosts off under a global VHOST (Dokku's first set only turns them on)", () => {
    const vhostsOff = { ...applied, config: { ...applied.config, NO_VHOST: "1" }, domains: [] };
    const set = ["domains:set", "restant-main", "a.example.com", "b.example.com"];
    expect(argsOf(planAppChanges({ ...vhostsOff, globalVhosts: true }, desired, { restart: true }))).toEqual([set, set]);
    expect(argsOf(planAppChanges({ ...vhostsOff, globalVhosts: false }, desired, { restart: true }))).toEqual([set]);
    expect(argsOf(planAppChanges({ ...fresh, globalVhosts: true }, desired, { restart: false })).filter((args) => args[0] === "domains:set")).toEqual([set, set]);
  });

  it("puts a deployed app's scale change first, so a Procfile refusal comes before anything else changed", () => {
    const plan = planAppChanges(applied, { ...desired, scale: { web: 2, worker: 3 }, domains: ["c.example.com"], config: { ...desired.config, APP_ENV: "x" } }, { restart: true });
    expect(argsOf(plan).map((args) => args.slice(0, 2))).toEqual([["ps:scale", "--skip-deploy"], ["domains:set", "restant-main"], ["config:set", "--encoded"]]);
    const scaleAndDomains = planAppChanges(applied, { ...desired, scale: { web: 2, worker: 3 }, domains: ["c.example.com"] }, { restart: true });
    expect(argsOf(scaleAndDomains).map((args) => args[0])).toEqual(["ps:scale", "domains:set"]);
  });

  it("splits config too large for one command line, restarting on the last command only", () => {
    const big = Object.fromEntries(Array.from({ length: 4 }, (_, i) => [`BIG_${i}`, "x".repeat(40_000)]));
    const plan = planAppChanges(applied, { ...desired, config: { ...desired.config, ...big } }, { restart: true });
    expect(plan.length).toBeGreaterThan(1);
    for (const command of plan) expect(command.args.join(" ").length).toBeLessThan(100 * 1024);
    expect(plan.map((command) => command.args.includes("--no-restart"))).toEqual([...plan.slice(1).map(() => true), false]);
    expect(() => planAppChanges(applied, { ...desired, config: { HUGE: "x".repeat(100_000) } }, { restart: true })).toThrow(/HUGE is too large/);
  });
});
