import { defineConfig } from "vitest/config";

// Code whose closures Pulumi serializes is loaded from build/ (tsc output) through a native require: vitest's
// transform would put `__vite_ssr_import__` into every serialized dynamic provider (design.md).
export default defineConfig({
  test: {
    projects: [
      { test: { name: "unit", include: ["test/unit/**/*.test.ts"], testTimeout: 60_000, hookTimeout: 60_000 } },
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
