import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { hostnameFor, MAX_SLUG_LENGTH, namesForSlug, PREVIEW_DOKKU_APP_PATTERN, slugForBranch, slugForPullRequest } from "../../infra/names";
import { branchStack, previewStack } from "../../infra/stacks";

/** Branch names as users and attackers write them: unicode, shell syntax, control characters, long, edge dashes. */
const hostilePiece = fc.oneof(
  fc.string({ unit: "binary", maxLength: 12 }),
  fc.constantFrom("$(rm -rf /)", "`id`", ";", "\n", "\r\n", "'", '"', "..", "-", ".", "/", " ", "Ü", "ï", "日本", "🚀", "\u0000"),
  fc.stringMatching(/^[a-z0-9-]{1,12}$/),
);
const branchName = fc.oneof(
  { weight: 4, arbitrary: fc.array(hostilePiece, { minLength: 1, maxLength: 8 }).map((parts) => parts.join("")) },
  { weight: 1, arbitrary: fc.string({ unit: "binary", minLength: 250, maxLength: 300 }) },
  { weight: 1, arbitrary: fc.stringMatching(/^[-.]{1,3}[a-z0-9]{1,20}[-.]{1,3}$/) },
).filter((b) => b.length > 0);

const CLEAN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/** What is wrong with the names derived from `slug` for the systems that hold them; empty when nothing is. */
function invalidNames(slug: string, zone = "example.com"): string[] {
  const names = namesForSlug(slug);
  const problems: string[] = [];
  const must = (ok: boolean, what: string) => {
    if (!ok) problems.push(what);
  };
  must(CLEAN.test(slug), `slug ${JSON.stringify(slug)} is not a clean DNS label`);
  must(slug.length <= MAX_SLUG_LENGTH, `slug ${slug} is longer than ${MAX_SLUG_LENGTH}`);
  must(/^[a-z0-9][a-z0-9.-]*$/.test(names.app), `app ${names.app} is not a Dokku app name`);
  must(names.mysqlService.length <= 63, `mysqlService ${names.mysqlService} is longer than 63`);
  must(/^[a-z0-9_]{1,64}$/.test(names.mysqlDatabase), `mysqlDatabase ${names.mysqlDatabase} is not 1-64 of [a-z0-9_]`);
  must(/^[a-z0-9_]{1,32}$/.test(names.mysqlUser), `mysqlUser ${names.mysqlUser} is not 1-32 of [a-z0-9_]`);
  // A Linux user name as Forge's isolated sites take it.
  must(/^[a-z_][a-z0-9_-]{0,31}$/.test(names.siteUser), `siteUser ${names.siteUser} is not a Linux user name of at most 32`);
  must(names.sentryEnvironment.length <= 64, `sentryEnvironment ${names.sentryEnvironment} is longer than 64`);
  must(!/[/\s]/.test(names.sentryEnvironment), `sentryEnvironment ${names.sentryEnvironment} holds a slash or space`);
  must(/^restant:[a-z0-9-]+:$/.test(names.redisKeyPrefix), `redisKeyPrefix ${names.redisKeyPrefix} is not restant:<slug>:`);
  for (const template of ["restant.{slug}.{zone}", "restant-{slug}.{zone}"]) {
    const host = hostnameFor(template, slug, zone);
    must(host.length <= 253, `host ${host} is longer than 253`);
    for (const label of host.split(".")) must(/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/.test(label), `host ${host} has a bad label ${label}`);
  }
  return problems;
}

describe("names derived from a branch", () => {
  it("are valid for every system, for 10,000 hostile branch names", () => {
    fc.assert(
      fc.property(branchName, (branch) => {
        // One expect a run: vitest's expect costs more than the names themselves, 10,000 times over.
        const slug = slugForBranch(branch);
        expect([...invalidNames(slug), ...(slugForBranch(branch) === slug ? [] : ["a second call gives another slug"])]).toEqual([]);
      }),
      { numRuns: 10_000 },
    );
  });

  it("never collide for different branches, including near-misses of one another", () => {
    const nearMisses = branchName.chain((b) =>
      fc.tuple(
        fc.constant(b),
        fc.constantFrom(b.toUpperCase(), b.toLowerCase(), b.replace(/\//g, "-"), `${b}-`, `-${b}`, `${b}.`, b.normalize("NFKD"), `${b} `),
      ),
    );
    fc.assert(
      // A property that returns false fails with the pair as its counterexample.
      fc.property(nearMisses, ([a, b]) => a === b || slugForBranch(a) !== slugForBranch(b)),
      { numRuns: 10_000 },
    );
  });

  it("gives 10,000 distinct branches 10,000 distinct slugs and names", () => {
    const branches = new Set(fc.sample(branchName, 12_000));
    const slugs = new Set<string>();
    const users = new Set<string>();
    const siteUsers = new Set<string>();
    for (const branch of branches) {
      const slug = slugForBranch(branch);
      slugs.add(slug);
      users.add(namesForSlug(slug).mysqlUser);
      siteUsers.add(namesForSlug(slug).siteUser);
    }
    expect(branches.size).toBeGreaterThan(10_000);
    expect(slugs.size).toBe(branches.size);
    expect(users.size).toBe(branches.size);
    expect(siteUsers.size).toBe(branches.size);
  });

  it("keeps a clean name as it is", () => {
    expect(slugForBranch("staging")).toBe("staging");
    expect(slugForBranch("main")).toBe("main");
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z0-9]{1,10}(-[a-z0-9]{1,10}){0,2}$/), (clean) => {
        fc.pre(!/^(production|platform|pr-\d+)$/.test(clean) && !/-[0-9a-f]{8}$/.test(clean));
        expect(slugForBranch(clean)).toBe(clean);
      }),
      { numRuns: 2_000 },
    );
  });

  it("hashes what it changed, so two spellings of one branch stay apart", () => {
    expect(slugForBranch("Feature/Checkout-V2")).toMatch(/^feature-checkout-v2-[0-9a-f]{8}$/);
    expect(slugForBranch("feature/checkout-v2")).not.toBe(slugForBranch("Feature/Checkout-V2"));
    expect(slugForBranch("$(rm -rf /)")).toMatch(/^rm-rf-[0-9a-f]{8}$/);
    expect(slugForBranch("日本")).toMatch(/^b-[0-9a-f]{8}$/);
  });

  it("never gives a branch a slug that another kind of stack owns", () => {
    for (const branch of ["production", "platform", "pr-7"]) {
      expect(slugForBranch(branch)).not.toBe(branch);
      expect(branchStack(branch).stack).not.toBe(branch);
    }
    expect(slugForBranch("pr-7")).not.toBe(slugForPullRequest(7));
  });
});

describe("stacks CI makes", () => {
  it("maps main and staging to their stacks and other branches to their slug", () => {
    expect(branchStack("main")).toMatchObject({ stack: "production", kind: "production" });
    expect(branchStack("staging")).toMatchObject({ stack: "staging", kind: "staging" });
    expect(branchStack("Feature/Checkout-V2")).toMatchObject({
      stack: slugForBranch("Feature/Checkout-V2"),
      kind: "branch",
      config: { "restant:kind": "branch", "restant:branch": "Feature/Checkout-V2" },
    });
  });

  it("names previews after their pull request and refuses bad numbers and empty branches", () => {
    expect(previewStack(7, "x")).toEqual({
      stack: "pr-7",
      kind: "preview",
      config: { "restant:kind": "preview", "restant:pr": "7", "restant:branch": "x" },
    });
    expect(() => previewStack(0, "x")).toThrow(/positive whole number/);
    expect(() => previewStack(1.5, "x")).toThrow(/positive whole number/);
    expect(() => previewStack(3, "")).toThrow(/branch is required/);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000_000 }), fc.integer({ min: 1, max: 1_000_000 }), (a, b) => {
        if (a !== b) expect(namesForSlug(slugForPullRequest(a))).not.toEqual(namesForSlug(slugForPullRequest(b)));
        expect(invalidNames(slugForPullRequest(a))).toEqual([]);
      }),
    );
  });

  it("tells every preview's Dokku app from every other environment's by the server scripts' pattern", () => {
    const preview = new RegExp(PREVIEW_DOKKU_APP_PATTERN);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 999_999_999 }), fc.string(), (pr, branch) => {
        expect(namesForSlug(slugForPullRequest(pr)).app).toMatch(preview);
        if (branch.trim() !== "") expect(namesForSlug(slugForBranch(branch)).app).not.toMatch(preview);
      }),
    );
    for (const branch of ["main", "staging", "pr-7", "restant-pr-7"]) expect(namesForSlug(slugForBranch(branch)).app).not.toMatch(preview);
  });
});
