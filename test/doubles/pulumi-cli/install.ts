import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parse, stringify } from "yaml";
import { projectRoot } from "../../support/built";
import { withTeamValues } from "../../support/team-values";
import type { StackState } from "./backend-store";
import type { DeclaredRecord } from "./real-program";
import type { World } from "./world";

export interface PulumiDoubleWorkspace {
  /** Put first on PATH: it holds the `pulumi` shim. */
  binDir: string;
  /** A project folder like the repository's (Pulumi.yaml, stacks/, policies/), with state in .pulumi-state/. */
  workDir: string;
  /** The backend the shim is logged in to: `file://<workDir>/.pulumi-state`. */
  backendUrl: string;
  /** Scripts what the infrastructure does next (failures, delays, drift). */
  setWorld(world: World): void;
  world(): World;
  /** Every argument list the CLI double was called with, in order. */
  calls(): string[][];
  stackConfig(stack: string): string | undefined;
  /** What the backend holds for a stack after the operations so far (the resources made), if the stack exists. */
  state(stack: string): StackState | undefined;
  /** What the real program declared for the stack at its last `up` or `preview`: every resource, inputs revealed. */
  declared(stack: string): DeclaredRecord | undefined;
}

/**
 * Makes a `pulumi` executable (a shim running the compiled double with this Node) and a project folder for it. The
 * double is run from build/, so `npm run build` must have run (npm test does).
 */
export function installPulumiDouble(): PulumiDoubleWorkspace {
  const compiled = path.join(projectRoot, "build", "test", "doubles", "pulumi-cli", "main.js");
  if (!existsSync(compiled)) throw new Error(`${compiled} is missing: run \`npm run build\` first`);
  const base = mkdtempSync(path.join(os.tmpdir(), "pulumi-double-"));
  const binDir = path.join(base, "bin");
  const workDir = path.join(base, "project");
  mkdirSync(binDir, { recursive: true });
  mkdirSync(path.join(workDir, "stacks"), { recursive: true });
  mkdirSync(path.join(workDir, "policies"), { recursive: true });
  const shim = path.join(binDir, "pulumi");
  // Pulumi.yaml pins no backend: the shim stands for a CLI that has run `pulumi login file://<project>/.pulumi-state`
  // (the real CLI remembers its login); PULUMI_BACKEND_URL, when set, wins as it does for the real one.
  const backendUrl = `file://${path.join(workDir, ".pulumi-state")}`;
  writeFileSync(shim, `#!/bin/sh\n: "\${PULUMI_BACKEND_URL:=${backendUrl}}"\nexport PULUMI_BACKEND_URL\nexec "${process.execPath}" "${compiled}" "$@"\n`);
  chmodSync(shim, 0o755);
  // A team's project: their values in place of the shipped examples, which the program refuses to deploy.
  const project = parse(readFileSync(path.join(projectRoot, "Pulumi.yaml"), "utf8")) as { config: Record<string, unknown> };
  withTeamValues(project.config);
  writeFileSync(path.join(workDir, "Pulumi.yaml"), stringify(project));
  for (const stack of ["production", "staging", "platform"]) {
    const file = path.join(projectRoot, "stacks", `Pulumi.${stack}.yaml`);
    if (existsSync(file)) copyFileSync(file, path.join(workDir, "stacks", `Pulumi.${stack}.yaml`));
  }
  writeFileSync(path.join(workDir, "policies", "PulumiPolicy.yaml"), "runtime: nodejs\ndescription: stand-in for the policy pack\n");
  const doubleDir = path.join(workDir, ".pulumi-state", ".double");
  mkdirSync(doubleDir, { recursive: true });
  const worldFile = path.join(doubleDir, "world.json");
  const callsFile = path.join(doubleDir, "calls.jsonl");
  return {
    binDir,
    workDir,
    backendUrl,
    setWorld: (world) => writeFileSync(worldFile, JSON.stringify(world, null, 2)),
    world: () => (existsSync(worldFile) ? (JSON.parse(readFileSync(worldFile, "utf8")) as World) : {}),
    calls: () =>
      existsSync(callsFile)
        ? readFileSync(callsFile, "utf8").trim().split("\n").filter(Boolean).map((line) => JSON.parse(line) as string[])
        : [],
    declared: (stack) => {
      const file = path.join(doubleDir, "declared", `${stack}.json`);
      return existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as DeclaredRecord) : undefined;
    },
    state: (stack) => {
      const file = path.join(workDir, ".pulumi-state", ".pulumi", "stacks", "restant", `${stack}.json`);
      return existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as StackState) : undefined;
    },
    stackConfig: (stack) => {
      const file = path.join(workDir, "stacks", `Pulumi.${stack}.yaml`);
      return existsSync(file) ? readFileSync(file, "utf8") : undefined;
    },
  };
}
