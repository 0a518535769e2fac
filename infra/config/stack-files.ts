import { existsSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { parse, parseDocument } from "yaml";
import { projectDir } from "../project-dir";

/** Config as the Pulumi engine hands it to a program: every key → a string, objects as JSON text. */
export type RawConfig = Record<string, string>;

/** Shown in place of a `secure:` value: the reader holds no passphrase, so it cannot decrypt one. */
export const SECRET_PLACEHOLDER = "[secret from the stack file]";

/** Where each key's value came from: `Pulumi.yaml`, `stacks/Pulumi.<stack>.yaml`, or how a script made it. */
export type ConfigFiles = Record<string, string>;

/** A stack's config as the engine would give it to the program, the keys holding a secret, and each key's file. */
export interface StackConfigFiles {
  config: RawConfig;
  /** Keys holding a `secure:` value anywhere inside (`pulumi config set --secret [--path]`). */
  secretKeys: string[];
  files: ConfigFiles;
}

export function stackFilePath(stack: string): string {
  return path.join("stacks", `Pulumi.${stack}.yaml`);
}

export function hasStackFile(stack: string, dir: string = projectDir): boolean {
  return existsSync(path.join(dir, stackFilePath(stack)));
}

/**
 * The config the engine would give the program for a stack: Pulumi.yaml's project-level defaults, overridden by the
 * stack file's `config:` (if any), overridden by `extra` (what CI sets on a stack it synthesizes, described by
 * `extraOrigin`). The one reader of these files: the offline plan, the doctor, the contract and the CI scripts'
 * settings all read config through it, so each setting has one source.
 */
export function readStackConfig(
  stack: string,
  options: { extra?: RawConfig; extraOrigin?: string; dir?: string } = {},
): StackConfigFiles {
  const dir = options.dir ?? projectDir;
  const files: ConfigFiles = {};
  const project = readYaml(path.join(dir, "Pulumi.yaml"));
  const defaults = projectDefaults(project.config);
  for (const key of Object.keys(defaults)) files[key] = "Pulumi.yaml";
  const file = hasStackFile(stack, dir) ? readYaml(path.join(dir, stackFilePath(stack))) : {};
  const secretKeys: string[] = [];
  const fileConfig: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(file.config ?? {})) {
    const replaced = withoutSecureValues(value);
    if (replaced.secret) secretKeys.push(key);
    fileConfig[key] = replaced.value;
    files[key] = stackFilePath(stack);
  }
  const extra = options.extra ?? {};
  for (const key of Object.keys(extra)) files[key] = options.extraOrigin ?? `set by CI on stack ${stack}`;
  return { config: { ...defaults, ...stringifyAll(fileConfig), ...extra }, secretKeys, files };
}

/**
 * Which file each key of a stack's config lives in, for the program run by the engine (which hands it the values but
 * not their files): the stack file's keys, else Pulumi.yaml's.
 */
export function configFilesOf(stack: string, dir: string = projectDir): ConfigFiles {
  try {
    return readStackConfig(stack, { dir }).files;
  } catch {
    // A file the engine could read but this reader cannot: messages then name the stack file only.
    return {};
  }
}

/**
 * Sets one plain key in a stack's file (`stacks/Pulumi.<stack>.yaml`, Pulumi.yaml's stackConfigDir), as `pulumi config
 * set` would, keeping the file's other keys and comments: the file every up reads the stack's config from, so CI's
 * next up gets the value once the file is committed. Returns the file's path relative to the project.
 */
export function setStackFileValue(stack: string, key: string, value: string, dir: string = projectDir): string {
  if (!hasStackFile(stack, dir)) throw new Error(`no stack file ${stackFilePath(stack)} to set ${key} in`);
  const file = path.join(dir, stackFilePath(stack));
  const document = parseDocument(readFileSync(file, "utf8"));
  document.setIn(["config", key], value);
  writeFileSync(file, document.toString());
  return stackFilePath(stack);
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
