import { defineConfig } from "vitest/config";

// Code whose closures Pulumi serializes is loaded from build/ (tsc output) through a native require: vitest's
// transform would put `__vite_ssr_import__` into every serialized dynamic provider (design.md).
export default defineConfig({
  test: {
    projects: [
      { test: { name: "unit", include: ["test/unit/**/*.test.ts"], testTimeout: 60_000, hookTimeout: 60_000 } },
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
