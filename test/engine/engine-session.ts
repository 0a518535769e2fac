import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { LocalWorkspace, PulumiCommand, type PulumiFn, type ProjectSettings, Stack } from "@pulumi/pulumi/automation";
import { type EngineLayout, engineLayout } from "../../scripts/engine/layout";
import { parse as parseYaml, stringify as stringifyYaml } from "yaml";
import { projectRoot } from "../support/built";
import { withTeamValues } from "../support/team-values";

/** A fresh `file://` backend, stand-in cloud and passphrase for one run of the engine tier, over the cached build. */
export interface EngineSession {
  layout: EngineLayout;
  cli: PulumiCommand;
  /** The backend folder (PULUMI_BACKEND_URL=file://…): stack state files are under .pulumi/stacks/<project>/. */
  backendDir: string;
  /** The stand-in plugins' cloud files: `<package>.json`. */
  cloudDir: string;
  /** What every CLI run gets on top of this process's environment. */
  env: Record<string, string>;
  /** A new project folder holding copies of the checkout's Pulumi.yaml and stacks/ (stack files made by tests land there). */
  projectCopy(): string;
  /** A stack of an inline program (the program runs in this process: no Node.js language host needed). */
  inlineStack(options: InlineStackOptions): Promise<Stack>;
  close(): void;
}

export interface InlineStackOptions {
  stackName: string;
  program: PulumiFn;
  /** The folder with Pulumi.yaml (its stackConfigDir, project config); default: a new temporary project. */
  workDir?: string;
  /** For a temporary project: its name. Default: "engine-tier". */
  projectName?: string;
  /** More environment for the CLI and its plugins. */
  env?: Record<string, string>;
}

export async function openEngineSession(extraEnv: Record<string, string> = {}): Promise<EngineSession> {
  const layout = engineLayout(projectRoot);
  const cli = await PulumiCommand.get({ root: layout.root, skipVersionCheck: false }).catch((error: Error) => {
    throw new Error(`the engine is not built at ${layout.cli} (${error.message}): run \`npm run test:engine\`, which builds it first`);
  });
  // Inside the checkout (build/ is ignored by git): the CLI starts plugins in the project's folder, and the dynamic
  // provider host resolves @pulumi/pulumi from there, as it does in CI where the project is the checkout.
  const runs = path.join(projectRoot, "build", "engine-runs");
  mkdirSync(runs, { recursive: true });
  const scratch = mkdtempSync(path.join(runs, "run-"));
  const backendDir = path.join(scratch, "backend");
  const cloudDir = path.join(scratch, "cloud");
  const env: Record<string, string> = {
    PATH: `${layout.bin}${path.delimiter}${process.env.PATH ?? ""}`,
    PULUMI_HOME: layout.home,
    PULUMI_BACKEND_URL: `file://${backendDir}`,
    PULUMI_CONFIG_PASSPHRASE: "engine tier passphrase",
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    RESTANT_STAND_IN_PROVIDER: path.join(projectRoot, "build", "test", "doubles", "bridged-providers", "main.js"),
    RESTANT_STAND_IN_CLOUD: cloudDir,
    ...extraEnv,
  };
  mkdirSync(backendDir, { recursive: true });
  mkdirSync(cloudDir, { recursive: true });
  return {
    layout,
    cli,
    backendDir,
    cloudDir,
    env,
    inlineStack: async (options) => {
      const workDir = options.workDir ?? mkdtempSync(path.join(scratch, "project-"));
      const projectSettings: ProjectSettings | undefined = options.workDir
        ? undefined
        : { name: options.projectName ?? "engine-tier", runtime: "nodejs" };
      const workspace = await LocalWorkspace.create({
        workDir,
        program: options.program,
        pulumiCommand: cli,
        pulumiHome: layout.home,
        envVars: { ...env, ...options.env },
        ...(projectSettings ? { projectSettings } : {}),
      });
      return Stack.createOrSelect(options.stackName, workspace);
    },
    projectCopy: () => {
      const dir = mkdtempSync(path.join(scratch, "project-"));
      // A team's project: their values in place of the shipped examples, which the program refuses to deploy.
      const project = parseYaml(readFileSync(path.join(projectRoot, "Pulumi.yaml"), "utf8")) as { config: Record<string, unknown> };
      withTeamValues(project.config);
      writeFileSync(path.join(dir, "Pulumi.yaml"), stringifyYaml(project));
      cpSync(path.join(projectRoot, "stacks"), path.join(dir, "stacks"), { recursive: true });
      // The CLI checks that Pulumi.yaml's `main` exists even when the program runs inline.
      symlinkSync(path.join(projectRoot, "infra"), path.join(dir, "infra"));
      return dir;
    },
    close: () => rmSync(scratch, { recursive: true, force: true }),
  };
}
