import { execFileSync, spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parse, stringify } from "yaml";
import { projectRoot } from "./built";

/** A checkout of the project as a new user has it: every tracked file as it is now, node_modules linked (npm ci done). */
export interface ProjectCopy {
  dir: string;
  /** Runs `npm run <script> -- <args>`'s command in the copy (ts-node, as package.json says); never throws. */
  run(script: "plan" | "doctor" | "contract" | "restore", args: string[], env?: NodeJS.ProcessEnv): { code: number; stdout: string; stderr: string };
  /** Edits a YAML file of the copy (Pulumi.yaml, stacks/Pulumi.<stack>.yaml). */
  editYaml(file: string, edit: (document: { config?: Record<string, unknown> }) => void): void;
}

/** Copies the files git tracks or would (the working tree's versions) into a temporary folder, as `git clone` + `npm ci` would leave them. */
export function copyProject(): ProjectCopy {
  const dir = mkdtempSync(path.join(os.tmpdir(), "restant-clone-"));
  const files = execFileSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], { cwd: projectRoot, encoding: "utf8" }).split("\0").filter(Boolean);
  for (const file of files) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    try {
      copyFileSync(path.join(projectRoot, file), path.join(dir, file));
    } catch {
      // Deleted in the working tree but still tracked: a clone of the working tree has no such file either.
    }
  }
  symlinkSync(path.join(projectRoot, "node_modules"), path.join(dir, "node_modules"));
  const scripts = (JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts;
  return {
    dir,
    run(script, args, env = {}) {
      const words = (scripts[script] ?? "").split(" ");
      if (words[0] !== "node") throw new Error(`npm script ${script} is not a node command: ${scripts[script] ?? "missing"}`);
      const result = spawnSync(process.execPath, [...words.slice(1), ...args], {
        cwd: dir,
        env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? os.tmpdir(), ...env },
        encoding: "utf8",
        stdio: ["ignore", "pipe", "pipe"],
        timeout: 120_000,
      });
      return { code: result.status ?? 1, stdout: result.stdout ?? "", stderr: result.stderr ?? "" };
    },
    editYaml(file, edit) {
      const target = path.join(dir, file);
      const document = parse(readFileSync(target, "utf8")) as { config?: Record<string, unknown> };
      edit(document);
      writeFileSync(target, stringify(document));
    },
  };
}
