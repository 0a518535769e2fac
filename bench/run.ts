import { readdirSync } from "node:fs";
import * as path from "node:path";

/**
 * Runs every bench file next to this one (build/bench/*.js): each exports `bench…(print)` functions. A bench that
 * resolves `false` missed a target it checks; the run then exits 1 after all of them have printed.
 *
 *   npm run bench
 */
async function main(): Promise<number> {
  let missed = false;
  const files = readdirSync(__dirname)
    .filter((file) => file.endsWith(".js") && file !== path.basename(__filename))
    .sort();
  for (const file of files) {
    const module = require(path.join(__dirname, file)) as Record<string, unknown>;
    for (const [name, bench] of Object.entries(module)) {
      if (!/^bench/.test(name) || typeof bench !== "function") continue;
      console.log(`\n## ${file.replace(/\.js$/, "")} — ${name}`);
      const result: unknown = await (bench as (print: (line: string) => void) => Promise<unknown>)(console.log);
      if (result === false) missed = true;
    }
  }
  return missed ? 1 : 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  },
);
