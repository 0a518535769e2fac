import { writeFileSync } from "node:fs";
import * as path from "node:path";
import { projectRoot } from "../support/built";

/**
 * The engine runs a Node.js policy pack folder through the Node.js language host, which the Go proxy does not serve;
 * it also runs an executable given to --policy-pack as an analyzer plugin. This one starts policies/ exactly as the
 * language host would (its index.ts under ts-node, in its folder), so the pack and the engine's analyzer protocol are
 * real and only the launch differs. Returns the executable's path, written into `dir`.
 */
export function policyPackLauncher(dir: string): string {
  const launcher = path.join(dir, "restant-policies");
  const script = `#!/bin/sh\ncd ${JSON.stringify(path.join(projectRoot, "policies"))} || exit 1\nexec node -r ts-node/register/transpile-only index.ts "$@"\n`;
  writeFileSync(launcher, script, { mode: 0o755 });
  return launcher;
}
