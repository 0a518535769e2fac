import * as path from "node:path";
import * as provider from "@pulumi/pulumi/provider";
import { BridgedStandIn } from "./bridged-stand-in";
import { CloudFile } from "./cloud-file";
import { RemoteCommandStandIn } from "./remote-command-stand-in";

/** The packages that have a stand-in plugin here (`pulumi-resource-<name>`). */
export const STAND_IN_PACKAGES = ["cloudflare", "github", "grafana", "sentry", "random", "command"] as const;

/**
 * A stand-in plugin's process: `node main.js <package> <version> <engine address…>`, started by the launcher the engine
 * tier installs as `pulumi-resource-<package>` (scripts/engine/). Its cloud is `$RESTANT_STAND_IN_CLOUD/<package>.json`.
 */
function start(argv: string[]): Promise<void> {
  const [name, version, ...engineArgs] = argv;
  if (!STAND_IN_PACKAGES.includes(name as (typeof STAND_IN_PACKAGES)[number]) || !version) {
    throw new Error(`usage: main.js <${STAND_IN_PACKAGES.join("|")}> <version> <engine address>; got ${JSON.stringify(argv.slice(0, 2))}`);
  }
  if (name === "command") return provider.main(new RemoteCommandStandIn(version), engineArgs);
  const cloudDir = process.env.RESTANT_STAND_IN_CLOUD;
  if (!cloudDir) throw new Error(`RESTANT_STAND_IN_CLOUD must name the folder where the ${name} stand-in keeps its cloud file`);
  return provider.main(new BridgedStandIn(version, new CloudFile(path.join(cloudDir, `${name}.json`))), engineArgs);
}

if (require.main === module) {
  start(process.argv.slice(2)).catch((error: Error) => {
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  });
}
