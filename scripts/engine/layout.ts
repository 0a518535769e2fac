import { readFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

/** Where the engine tier's build lives: a cache outside git, reused by later runs on the same machine. */
export interface EngineLayout {
  /** The Pulumi version built, "3.274.1": the wrapper module's `github.com/pulumi/pulumi/pkg/v3` requirement. */
  version: string;
  /** The wrapper Go module (scripts/engine/cli), whose go.mod and go.sum pin every dependency. */
  goModule: string;
  /** This version's folder in the cache. */
  root: string;
  /** The CLI and the plugin that lives next to it (pulumi-resource-pulumi-nodejs). */
  bin: string;
  cli: string;
  /** PULUMI_HOME: the installed stand-in plugins; never the user's ~/.pulumi. */
  home: string;
  /** The launchers `pulumi plugin install` copies into PULUMI_HOME. */
  launchers: string;
}

/**
 * `$RESTANT_ENGINE_CACHE`, else `$XDG_CACHE_HOME/restant-engine`, else `~/.cache/restant-engine`; one folder per
 * Pulumi version so a version bump never runs a stale CLI.
 */
export function engineLayout(projectRoot: string, env: NodeJS.ProcessEnv = process.env): EngineLayout {
  const goModule = path.join(projectRoot, "scripts", "engine", "cli");
  const version = pinnedVersion(readFileSync(path.join(goModule, "go.mod"), "utf8"));
  const cache = env.RESTANT_ENGINE_CACHE ?? path.join(env.XDG_CACHE_HOME || path.join(os.homedir(), ".cache"), "restant-engine");
  const root = path.join(cache, `pulumi-${version}`);
  const bin = path.join(root, "bin");
  return { version, goModule, root, bin, cli: path.join(bin, "pulumi"), home: path.join(root, "home"), launchers: path.join(root, "launchers") };
}

function pinnedVersion(goMod: string): string {
  const match = /^\s*(?:require\s+)?github\.com\/pulumi\/pulumi\/pkg\/v3 v(\d+\.\d+\.\d+)\s*$/m.exec(goMod);
  if (!match) throw new Error("scripts/engine/cli/go.mod must require github.com/pulumi/pulumi/pkg/v3 at a release version");
  return match[1];
}
