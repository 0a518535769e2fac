import { afterAll } from "vitest";

// The unit project runs its files one after another in shared worker processes (vitest.config.mts: isolate false), so
// a variable one file sets (a key canary, a retry setting) must not reach the next: each file ends with the
// environment it started with.
const startedWith = { ...process.env };

afterAll(() => {
  for (const name of Object.keys(process.env)) if (!(name in startedWith)) delete process.env[name];
  Object.assign(process.env, startedWith);
});
