import { describe, expect, it } from "vitest";
import { cronScheduleProblem } from "../../infra/config/cron-schedule";
import { gitBranchNameProblem } from "../../infra/config/git-ref";
import { StackConfigError } from "../../infra/config/problems";
import { branchStack, previewStack } from "../../infra/stacks";
import { cronInstallScript } from "../../components/dokku/server/server-scripts";

describe("branch names as git checks them", () => {
  it.each(["main", "feature/checkout-v2", "Feature/Ünïcode", "fix-1.2", "a/b/c", "dependabot/npm_and_yarn/x-1.0.0", "feat/x;$(id)"])(
    "accepts %s",
    (name) => expect(gitBranchNameProblem(name)).toBeUndefined(),
  );

  it.each([
    ["-n", /begin with '-'/],
    ["--build", /begin with '-'/],
    ["a..b", /'\.\.'/],
    ["refs/pull/8/head", /full ref/],
    ["refs/heads/main", /full ref/],
    ["HEAD", /check-ref-format/],
    ["@", /check-ref-format/],
    ["a b", /check-ref-format/],
    ["a\nb", /check-ref-format/],
    ["a~1", /check-ref-format/],
    ["x^", /check-ref-format/],
    ["a:b", /check-ref-format/],
    ["a@{1}", /check-ref-format/],
    ["a//b", /check-ref-format/],
    [".hidden", /check-ref-format/],
    ["a/.b", /check-ref-format/],
    ["a/", /check-ref-format/],
    ["a.", /check-ref-format/],
    ["a.lock", /check-ref-format/],
    ["", /empty/],
  ])("refuses %j", (name, why) => expect(gitBranchNameProblem(name)).toMatch(why));

  it("previewStack and branchStack refuse them before any stack exists, naming restant:branch", () => {
    for (const make of [() => previewStack(7, "refs/pull/8/head"), () => branchStack("-n")]) {
      let thrown: unknown;
      try {
        make();
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(StackConfigError);
      expect((thrown as StackConfigError).problems.map((p) => p.key)).toEqual(["restant:branch"]);
    }
  });
});

describe("cron schedules, field by field", () => {
  it.each(["17 3 * * 0", "*/5 * * * *", "0 1-5/2 1,15 * mon", "0 0 * jan *", "59 23 31 12 7", "0  0 * * *"])("accepts %j", (schedule) =>
    expect(cronScheduleProblem(schedule)).toBeUndefined(),
  );

  it.each([
    ["@hourly", /@-macro/],
    ["@hourly root touch /tmp/x #", /@-macro/],
    ["17 3 * * 0 #", /'#'/],
    ["17 3 * * 0\n* * * * * root id", /one line/],
    ["17\t3 * * 0", /one line/],
    ["17 3 * * 0 root", /exactly 5 fields/],
    ["17 3 * *", /exactly 5 fields/],
    ["60 * * * *", /minute field "60": 60 is outside 0-59/],
    ["0 24 * * *", /hour field/],
    ["0 0 0 * *", /day-of-month field "0": 0 is outside 1-31/],
    ["0 0 * 13 *", /month field/],
    ["0 0 * * 8", /day-of-week field/],
    ["5-1 * * * *", /runs backwards/],
    ["*/0 * * * *", /step of 0/],
    ["0 0 L * *", /day-of-month field "L"/],
    ["0 0 * * 1#2", /'#'/],
    ["0 0 ? * *", /day-of-month field "\?"/],
    ["0 0 * jan-mar *", /month field/],
    ["$(id) * * * *", /minute field/],
  ])("refuses %j", (schedule, why) => expect(cronScheduleProblem(schedule)).toMatch(why));

  it("the cron installer refuses a schedule that was not checked (defence in depth)", () => {
    const install = (schedule: string) => cronInstallScript({ path: "/usr/local/sbin/x", script: "#!/bin/sh\n", cronPath: "/etc/cron.d/x", schedule, log: "/var/log/x.log" });
    expect(install("17 3 * * 0")).toContain("\n17 3 * * 0 root /usr/local/sbin/x >>/var/log/x.log 2>&1\n");
    expect(() => install("* * * * * root id #")).toThrow(/exactly 5 fields|'#'/);
  });
});
