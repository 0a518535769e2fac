import { existsSync } from "node:fs";
import * as path from "node:path";

/** The project folder: the nearest one above this file with a Pulumi.yaml (from the sources or from build/). */
export const projectDir: string = (() => {
  let dir = __dirname;
  while (!existsSync(path.join(dir, "Pulumi.yaml"))) {
    if (path.dirname(dir) === dir) throw new Error("Pulumi.yaml not found above " + __dirname);
    dir = path.dirname(dir);
  }
  return dir;
})();
