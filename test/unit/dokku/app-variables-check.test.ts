import { describe, expect, it } from "vitest";
import { UNKNOWN } from "../../../components/dokku/app/app-check";
import { type AppVariablesProps, appVariablesProvider } from "../../../components/dokku/app/app-variables-provider";

const target = { host: "dokku.example.com", port: 22, user: "dokku" as const, hostKey: "ssh-ed25519 AAAA" };

/**
 * AppVariables' check as the engine calls it: during `pulumi preview` of a new stack the variables come from services
 * not made yet (the Sentry DSN), and the engine passes the whole object as its unknown marker. That is no bad input:
 * a preview of a new preview stack failed on it, one "bad key" per character of the marker.
 */
describe("AppVariables check", () => {
  // What the engine passes is not yet the declared shape (unknowns, bad values): the check must take it as it comes.
  const check = (news: Record<string, unknown>) =>
    appVariablesProvider.check!({} as AppVariablesProps, { version: 1, target, ...news } as unknown as AppVariablesProps);

  it("passes variables not known yet during a preview", async () => {
    expect((await check({ app: "restant-pr-8", variables: UNKNOWN })).failures).toEqual([]);
    expect((await check({ app: UNKNOWN, variables: UNKNOWN })).failures).toEqual([]);
  });

  it("still refuses bad names and a value that is not an object", async () => {
    expect((await check({ app: "Bad App", variables: { "1BAD": "x" } })).failures?.map((f) => f.property).sort()).toEqual(["app", "variables.1BAD"]);
    expect((await check({ app: "restant-pr-8", variables: "KEY=value" })).failures).toEqual([{ property: "variables", reason: "must be an object of strings" }]);
  });
});
