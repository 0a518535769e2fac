import { spawnSync } from "node:child_process";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { requireBuilt } from "../../support/built";

const { dokkuCommandLine } = requireBuilt<typeof import("../../../components/dokku/client/command-line")>("components/dokku/client/command-line.ts");
// The double's split is Dokku's own: real GNU xargs, one argument a line through echo.
const { argvFromSshOriginalCommand } = requireBuilt<typeof import("../../doubles/dokku/forced-command")>("test/doubles/dokku/forced-command.ts");

/** What a root shell hands to `dokku` for this line: bash parses it, a `dokku` function prints each argument. */
function argvFromRootShell(line: string): string[] {
  const script = `dokku() { printf '%s\\0' "$@"; }\n${line}`;
  const result = spawnSync("bash", ["-c", script], { encoding: "utf8", cwd: "/" });
  if (result.status !== 0) throw new Error(`bash failed: ${result.stderr}`);
  return result.stdout.split("\0").slice(0, -1);
}

/** Any text a single line can carry: printable ASCII, tabs, quotes, `$()`, backticks and non-ASCII letters. */
const carriable = fc
  .string({ unit: fc.oneof(fc.constantFrom(..." \t'\"`$()\\;&|<>*?~!#{}[]=-é€😀"), fc.string({ unit: "grapheme", minLength: 1, maxLength: 1 })), minLength: 1, maxLength: 40 })
  // eslint-disable-next-line no-control-regex
  .filter((text) => !/^(-[neE]+|--help|--version)$/.test(text) && !/[\u0000-\u0008\u000a-\u001f\u007f]/.test(text));

describe("dokkuCommandLine", () => {
  it("gives Dokku's xargs split exactly the arguments, whatever they hold", () => {
    fc.assert(
      fc.property(fc.array(carriable, { minLength: 1, maxLength: 5 }), (values) => {
        const args = ["config:get", ...values];
        expect(argvFromSshOriginalCommand(dokkuCommandLine(args, "dokku")).argv).toEqual(args);
      }),
      { numRuns: 100 },
    );
  });

  it("gives a root shell running `dokku <args>` exactly the arguments, expanding nothing", () => {
    fc.assert(
      fc.property(fc.array(carriable, { minLength: 1, maxLength: 5 }), (values) => {
        const args = ["config:get", ...values];
        expect(argvFromRootShell(dokkuCommandLine(args, "root"))).toEqual(args);
      }),
      { numRuns: 100 },
    );
  });

  it("leaves plain words bare and quotes the rest", () => {
    expect(dokkuCommandLine(["config:set", "--encoded", "my-app", "K=a+b/c="], "dokku")).toBe("config:set --encoded my-app K=a+b/c=");
    expect(dokkuCommandLine(["domains:set", "my-app", "it's $(x)"], "root")).toBe(`dokku domains:set my-app 'it'\\''s $(x)'`);
  });

  it("refuses what neither reader carries, without quoting the value", () => {
    for (const bad of ["line\nbreak", "carriage\rreturn", "nul\u0000byte", "bell\u0007"]) {
      expect(() => dokkuCommandLine(["config:set", "app", `SECRET=${bad}`], "dokku")).toThrow(/argument 2 holds a newline or control character/);
      try {
        dokkuCommandLine(["config:set", "app", `SECRET=${bad}`], "root");
      } catch (error) {
        expect((error as Error).message).not.toContain("SECRET");
      }
    }
    for (const eaten of ["-n", "-e", "-neE", "--help", "--version"]) {
      expect(() => dokkuCommandLine(["apps:exists", eaten], "dokku")).toThrow(/taken by echo/);
    }
    expect(() => dokkuCommandLine([], "dokku")).toThrow(/subcommand/);
    expect(() => dokkuCommandLine(["apps:exists", ""], "dokku")).toThrow(/empty/);
  });

  it("refuses quoting for git subcommands, which Dokku splits on whitespace only", () => {
    expect(dokkuCommandLine(["git:sync", "--build", "app", "https://example.com/r.git"], "dokku")).toBe(
      "git:sync --build app https://example.com/r.git",
    );
    expect(() => dokkuCommandLine(["git:sync", "app", "a b"], "dokku")).toThrow(/does not undo for git/);
  });

  it("is what the double's split and the shell agree on for the injection strings of the issue", () => {
    const nasty = ["$(touch /tmp/canary)", "`touch /tmp/canary`", "a; touch /tmp/canary", `'"'"`, "x".repeat(10_000)];
    const args = ["config:get", ...nasty];
    expect(argvFromSshOriginalCommand(dokkuCommandLine(args, "dokku")).argv).toEqual(args);
    expect(argvFromRootShell(dokkuCommandLine(args, "root"))).toEqual(args);
  });
});
