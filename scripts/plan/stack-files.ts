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
  return stackConfigWithSecrets(stack, extra).config;
}

/** Shown in place of a `secure:` value: the plan holds no passphrase, so it cannot decrypt one. */
export const SECRET_PLACEHOLDER = "[secret from the stack file]";

/**
 * stackConfig, and the keys holding a `secure:` value anywhere inside (`pulumi config set --secret [--path]`), as
 * the engine marks them secret for the program.
 */
export function stackConfigWithSecrets(stack: string, extra: RawConfig = {}): { config: RawConfig; secretKeys: string[] } {
  const project = readYaml(path.join(projectDir, "Pulumi.yaml"));
  const defaults = projectDefaults(project.config);
  const file = hasStackFile(stack) ? readYaml(path.join(projectDir, stackFilePath(stack))) : {};
  const secretKeys: string[] = [];
  const fileConfig: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(file.config ?? {})) {
    const replaced = withoutSecureValues(value);
    if (replaced.secret) secretKeys.push(key);
    fileConfig[key] = replaced.value;
  }
  return { config: { ...defaults, ...stringifyAll(fileConfig), ...extra }, secretKeys };
}

function withoutSecureValues(value: unknown): { value: unknown; secret: boolean } {
  if (value === null || typeof value !== "object") return { value, secret: false };
  if (!Array.isArray(value) && Object.keys(value).length === 1 && typeof (value as { secure?: unknown }).secure === "string") {
    return { value: SECRET_PLACEHOLDER, secret: true };
  }
  let secret = false;
  const entries = Object.entries(value).map(([k, v]) => {
    const inner = withoutSecureValues(v);
    secret ||= inner.secret;
    return [k, inner.value] as const;
  });
  return { value: Array.isArray(value) ? entries.map(([, v]) => v) : Object.fromEntries(entries), secret };
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
