import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { type EngineLayout, engineLayout } from "./layout";

/** The Terraform-bridged packages (and the command provider) that get a stand-in plugin, with their npm package. */
export const STAND_INS: readonly { plugin: string; npmPackage: string }[] = [
  { plugin: "cloudflare", npmPackage: "@pulumi/cloudflare" },
  { plugin: "github", npmPackage: "@pulumi/github" },
  { plugin: "grafana", npmPackage: "@pulumiverse/grafana" },
  { plugin: "sentry", npmPackage: "@pulumiverse/sentry" },
  { plugin: "random", npmPackage: "@pulumi/random" },
  { plugin: "command", npmPackage: "@pulumi/command" },
];

const CLI_PACKAGE = "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi";
const VERSION_VARIABLE = "github.com/pulumi/pulumi/sdk/v3/go/common/version.Version";

export interface BuildReport {
  version: string;
  /** Seconds spent in `go build`, or undefined when the cached CLI was current. */
  goBuildSeconds: number | undefined;
  /** What `pulumi version` prints. */
  cliVersion: string;
}

/**
 * Builds what `npm run test:engine` runs into the cache (scripts/engine/layout.ts): the Pulumi CLI from Go source with
 * the wrapper module's pinned dependencies, the dynamic-provider host from node_modules/@pulumi/pulumi next to it, and
 * the stand-in plugins installed in its own PULUMI_HOME. Each step is skipped when its output is current, so a warm
 * run costs seconds. Needs Go and the Go module proxy only on the first build.
 */
export function buildEngine(projectRoot: string, log: (line: string) => void = (line) => process.stderr.write(`${line}\n`)): BuildReport {
  const layout = engineLayout(projectRoot);
  mkdirSync(layout.bin, { recursive: true });
  const goBuildSeconds = buildCli(layout, log);
  installNodejsProviderHost(projectRoot, layout);
  installStandIns(projectRoot, layout, log);
  const cliVersion = execFileSync(layout.cli, ["version"], { encoding: "utf8", env: cliEnv(layout) }).trim();
  return { version: layout.version, goBuildSeconds, cliVersion };
}

/** The CLI's environment for installing plugins: its own home, no update check, nothing downloaded. */
export function cliEnv(layout: EngineLayout): NodeJS.ProcessEnv {
  return {
    ...process.env,
    PULUMI_HOME: layout.home,
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
  };
}

function buildCli(layout: EngineLayout, log: (line: string) => void): number | undefined {
  const goVersion = execFileSync("go", ["version"], { encoding: "utf8" }).trim();
  const stamp = createHash("sha256")
    .update(readFileSync(path.join(layout.goModule, "go.mod")))
    .update(readFileSync(path.join(layout.goModule, "go.sum")))
    .update(goVersion)
    .digest("hex");
  const stampFile = `${layout.cli}.stamp`;
  if (existsSync(layout.cli) && existsSync(stampFile) && readFileSync(stampFile, "utf8") === stamp) return undefined;

  log(`engine: building pulumi v${layout.version} from Go source (${goVersion}); the first build takes minutes`);
  const started = Date.now();
  const partial = `${layout.cli}.partial`;
  // nice: the machines are shared; CGO off: a static binary, no C toolchain needed.
  execFileSync(
    "nice",
    ["-n", "10", "go", "build", "-trimpath", "-ldflags", `-s -w -X ${VERSION_VARIABLE}=v${layout.version}`, "-o", partial, CLI_PACKAGE],
    { cwd: layout.goModule, stdio: "inherit", env: { ...process.env, CGO_ENABLED: "0" } },
  );
  renameSync(partial, layout.cli);
  writeFileSync(stampFile, stamp);
  return (Date.now() - started) / 1000;
}

/** `pulumi-resource-pulumi-nodejs`, the host of dynamic providers, is a script the npm package ships for the CLI. */
function installNodejsProviderHost(projectRoot: string, layout: EngineLayout): void {
  const target = path.join(layout.bin, "pulumi-resource-pulumi-nodejs");
  copyFileSync(path.join(projectRoot, "node_modules", "@pulumi", "pulumi", "pulumi-resource-pulumi-nodejs"), target);
  chmodSync(target, 0o755);
}

/**
 * One launcher per stand-in, installed with `pulumi plugin install resource <name> <the npm package's version> -f`,
 * so the engine finds it exactly where it would find the real plugin. The launcher runs the stand-in of the checkout
 * that started the engine (RESTANT_STAND_IN_PROVIDER), so one cache serves every clone on the machine.
 */
function installStandIns(projectRoot: string, layout: EngineLayout, log: (line: string) => void): void {
  mkdirSync(layout.launchers, { recursive: true });
  for (const { plugin, npmPackage } of STAND_INS) {
    const version = (JSON.parse(readFileSync(path.join(projectRoot, "node_modules", npmPackage, "package.json"), "utf8")) as { version: string }).version;
    const launcher = path.join(layout.launchers, `pulumi-resource-${plugin}`);
    const script = [
      "#!/bin/sh",
      `# Stand-in for ${npmPackage}'s provider plugin v${version} (Restant's engine test tier; the real one cannot be built here).`,
      'if [ -z "$RESTANT_STAND_IN_PROVIDER" ]; then',
      `  echo "pulumi-resource-${plugin} here is a test stand-in: set RESTANT_STAND_IN_PROVIDER to build/test/doubles/bridged-providers/main.js" >&2`,
      "  exit 1",
      "fi",
      `exec node "$RESTANT_STAND_IN_PROVIDER" ${plugin} ${version} "$@"`,
      "",
    ].join("\n");
    writeIfChanged(launcher, script);
    const installed = path.join(layout.home, "plugins", `resource-${plugin}-v${version}`, `pulumi-resource-${plugin}`);
    if (existsSync(installed) && readFileSync(installed, "utf8") === script) continue;
    log(`engine: installing the ${plugin} v${version} stand-in plugin`);
    execFileSync(layout.cli, ["plugin", "install", "resource", plugin, version, "--file", launcher, "--reinstall"], {
      stdio: ["ignore", "ignore", "inherit"],
      env: cliEnv(layout),
    });
  }
}

function writeIfChanged(file: string, text: string): void {
  if (existsSync(file) && readFileSync(file, "utf8") === text) return;
  writeFileSync(file, text, { mode: 0o755 });
  chmodSync(file, 0o755);
}

// `node build/scripts/engine/build.js` from the project's root (npm runs scripts there).
if (require.main === module) {
  const started = Date.now();
  let report: BuildReport;
  try {
    report = buildEngine(process.cwd());
  } catch (error) {
    process.stderr.write(`engine: the Pulumi engine could not be built: ${(error as Error).message}\n`);
    process.stderr.write("engine: the engine tier needs Go (see scripts/engine/cli/go.mod for the version) and the Go module proxy\n");
    process.exit(1);
  }
  const how = report.goBuildSeconds === undefined ? "cached" : `go build ${report.goBuildSeconds.toFixed(0)} s`;
  process.stdout.write(`engine: pulumi ${report.cliVersion} ready in ${((Date.now() - started) / 1000).toFixed(1)} s (${how})\n`);
}
