import { defineConfig } from "vitest/config";

// Code whose closures Pulumi serializes is loaded from build/ (tsc output) through a native require: vitest's
// transform would put `__vite_ssr_import__` into every serialized dynamic provider (design.md).
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "unit",
          include: ["test/unit/**/*.test.ts"],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          // Most of a unit file's cost is loading: @pulumi/pulumi, the program from build/, and the TypeScript parser
          // Pulumi's closure serializer uses (2-3 s of CPU a process). Unisolated, a worker pays it once for all the
          // files it runs instead of once a file, which halves `npm test`'s CPU time. Files keep no state between
          // them: each sets its own Pulumi mocks and config, and test/unit/setup/restore-env.ts undoes what a file does
          // to process.env. Two workers, not vitest's "cores - 1": on a 2-core machine that is one, and the waits of
          // network tests then hold up the other files.
          isolate: false,
          maxWorkers: 2,
          setupFiles: ["test/unit/setup/restore-env.ts"],
        },
      },
      // Scenario tests spawn processes (the real scripts, the pulumi CLI double through the Automation API, the plan
      // command): seconds per test, so they are a tier of their own, out of the developer's `npm test` loop.
      // Every `up` of the pulumi CLI double evaluates the real program in a fresh process (seconds each, more on a busy
      // machine), so a lifecycle scenario of several previews gets up to 10 minutes.
      { test: { name: "scenarios", include: ["test/scenarios/**/*.test.ts"], testTimeout: 600_000, hookTimeout: 180_000 } },
      {
        test: {
          name: "integration",
          include: ["test/integration/**/*.test.ts"],
          testTimeout: 180_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
