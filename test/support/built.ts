import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import * as path from "node:path";

/** The project's root: the nearest folder above this file that holds package.json (works from test/ and build/). */
export const projectRoot: string = (() => {
  let dir = __dirname;
  while (!existsSync(path.join(dir, "package.json")) || path.basename(dir) === "build") dir = path.dirname(dir);
  return dir;
})();

const nativeRequire = createRequire(path.join(projectRoot, "package.json"));

/**
 * Loads a module of the project from its tsc output in build/ through Node's own require, the way Pulumi's
 * nodejs runtime loads the program. vitest's transform must not touch code whose closures Pulumi serializes.
 * `npm test` builds first; `source` is the path of the TypeScript file, e.g. "components/dokku/app/app-provider.ts".
 */
export function requireBuilt<T>(source: string): T {
  return nativeRequire(builtScript(source)) as T;
}

/**
 * requireBuilt after dropping every module of build/ from Node's cache, so `source` and all of the project it imports
 * run their module code now, with the environment as it is now: for tests that put a canary in the environment and
 * look for what loading captured. The unit project shares worker processes between files, so another file may have
 * loaded the module before the canary was there.
 */
export function requireBuiltFresh<T>(source: string): T {
  const buildDir = path.join(projectRoot, "build") + path.sep;
  for (const id of Object.keys(nativeRequire.cache)) if (id.startsWith(buildDir)) delete nativeRequire.cache[id];
  return requireBuilt<T>(source);
}

/**
 * The tsc output of a project file, for running it with plain `node` (a script, a double): starting a child through
 * ts-node compiles the whole program again in every process, seconds each on a loaded machine.
 */
export function builtScript(source: string): string {
  const compiled = path.join(projectRoot, "build", source.replace(/\.ts$/, ".js"));
  if (!existsSync(compiled)) throw new Error(`${compiled} is missing: run \`npm run build\` before the tests`);
  return compiled;
}
