import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { projectDir } from "../../infra/project-dir";

/** Config as the Pulumi engine hands it to a program: every key → a string, objects as JSON text. */
export type RawConfig = Record<string, string>;

export { projectDir } from "../../infra/project-dir";

export function stackFilePath(stack: string): string {
  return path.join("stacks", `Pulumi.${stack}.yaml`);
}

export function hasStackFile(stack: string): boolean {
  return existsSync(path.join(projectDir, stackFilePath(stack)));
}

/**
 * The config the engine would give the program for a stack: Pulumi.yaml's project-level defaults, overridden by the
 * stack file's `config:` (if any), overridden by `extra` (what CI sets on a stack it synthesizes).
 */
export function stackConfig(stack: string, extra: RawConfig = {}): RawConfig {
  const project = readYaml(path.join(projectDir, "Pulumi.yaml"));
  const defaults = projectDefaults(project.config);
  const file = hasStackFile(stack) ? readYaml(path.join(projectDir, stackFilePath(stack))) : {};
  return { ...defaults, ...stringifyAll(file.config ?? {}), ...extra };
}

function readYaml(file: string): { config?: Record<string, unknown> } {
  const parsed: unknown = parse(readFileSync(file, "utf8"));
  return parsed !== null && typeof parsed === "object" ? (parsed as { config?: Record<string, unknown> }) : {};
}

/** Project-level config declares `key: { value }`, `key: { default, type }` or a bare value. */
function projectDefaults(config: Record<string, unknown> = {}): RawConfig {
  const values: Record<string, unknown> = {};
  for (const [key, declared] of Object.entries(config)) {
    if (declared !== null && typeof declared === "object" && !Array.isArray(declared)) {
      const d = declared as Record<string, unknown>;
      if ("value" in d) values[key] = d.value;
      else if ("default" in d) values[key] = d.default;
      else if (!("type" in d)) values[key] = d;
    } else {
      values[key] = declared;
    }
  }
  return stringifyAll(values);
}

function stringifyAll(values: Record<string, unknown>): RawConfig {
  const raw: RawConfig = {};
  for (const [key, value] of Object.entries(values)) {
    raw[key] = typeof value === "string" ? value : JSON.stringify(value);
  }
  return raw;
}
