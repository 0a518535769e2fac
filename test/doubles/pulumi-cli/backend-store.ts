import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { parse as parseYaml, stringify as stringifyYaml } from "yaml";
import type { World } from "./world";

export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}

export interface StoredResource {
  urn: string;
  type: string;
  name: string;
  inputs: Record<string, unknown>;
  outputs: Record<string, unknown>;
  /** URNs this resource waits for (`dependsOn`, as the program declared it). */
  dependsOn?: string[];
  /** URN of its parent. */
  parent?: string;
}

export interface StackState {
  /** Undefined until the first update writes a checkpoint (`stack ls` then has no resourceCount). */
  resources?: StoredResource[];
  outputs: Record<string, { value: unknown; secret: boolean }>;
  /** Kept for state written by older doubles; the real program's mocks make every value up deterministically. */
  generated: Record<string, string>;
  history: HistoryEntry[];
}

/** One entry of `pulumi stack history --json`: the config is what the stack's file held when the update ran. */
export interface HistoryEntry {
  version: number;
  kind: string;
  result: string;
  message: string;
  startTime: string;
  endTime: string;
  config?: Record<string, { value: string; secret: boolean }>;
  environment?: Record<string, string>;
}

interface Project {
  name: string;
  stackConfigDir: string;
  config: Record<string, unknown>;
  backendUrl: string | undefined;
}

/**
 * The state a DIY (`file://`) backend keeps, laid out like Pulumi's: `.pulumi/stacks/<project>/<stack>.json`,
 * tags beside it in `<stack>.pulumi-tags`, locks under `.pulumi/locks/<project>/<stack>/`. The contents are the
 * double's own, not Pulumi's checkpoint format.
 */
export class BackendStore {
  readonly project: Project;
  readonly root: string;

  constructor(
    readonly cwd: string,
    private readonly env: NodeJS.ProcessEnv,
  ) {
    this.project = readProject(cwd);
    const url = env.PULUMI_BACKEND_URL ?? this.project.backendUrl;
    if (!url) throw new CliError("error: PULUMI_ACCESS_TOKEN must be set for login during non-interactive CLI sessions", 3);
    if (!url.startsWith("file://")) throw new CliError(`error: the pulumi double only serves file:// backends, not ${url}`, 3);
    const location = url.slice("file://".length);
    this.root = path.resolve(cwd, location.startsWith("~") ? location.replace("~", env.HOME ?? "") : location);
  }

  private get stacksDir(): string {
    return path.join(this.root, ".pulumi", "stacks", this.project.name);
  }

  private stateFile(stack: string): string {
    return path.join(this.stacksDir, `${stack}.json`);
  }

  private tagFile(stack: string): string {
    return path.join(this.stacksDir, `${stack}.pulumi-tags`);
  }

  lockDir(stack: string): string {
    return path.join(this.root, ".pulumi", "locks", this.project.name, stack);
  }

  stackConfigFile(stack: string): string {
    return path.join(this.cwd, this.project.stackConfigDir, `Pulumi.${stack}.yaml`);
  }

  requirePassphrase(): void {
    if (this.env.PULUMI_CONFIG_PASSPHRASE === undefined && this.env.PULUMI_CONFIG_PASSPHRASE_FILE === undefined) {
      throw new CliError(
        "error: constructing secrets manager of type \"passphrase\": passphrase must be set with PULUMI_CONFIG_PASSPHRASE or PULUMI_CONFIG_PASSPHRASE_FILE environment variables",
        2,
      );
    }
  }

  stacks(): string[] {
    if (!existsSync(this.stacksDir)) return [];
    return readdirSync(this.stacksDir)
      .filter((f) => f.endsWith(".json"))
      .map((f) => f.slice(0, -".json".length))
      .sort();
  }

  exists(stack: string): boolean {
    return existsSync(this.stateFile(stack));
  }

  requireStack(stack: string | undefined): string {
    if (!stack) throw new CliError("error: no stack selected; please use `pulumi stack select` or pass --stack", 2);
    if (!this.exists(stack)) throw new CliError(`error: no stack named '${stack}' found`, 1);
    return stack;
  }

  create(stack: string): void {
    if (!/^[A-Za-z0-9_.-]{1,100}$/.test(stack)) {
      throw new CliError(`error: stack names may only contain alphanumeric, hyphens, underscores, or periods: '${stack}'`, 2);
    }
    if (this.exists(stack)) throw new CliError(`error: stack '${stack}' already exists`, 1);
    this.requirePassphrase();
    mkdirSync(this.stacksDir, { recursive: true });
    this.write(stack, { outputs: {}, generated: {}, history: [] });
    const file = this.stackConfigFile(stack);
    const existing = existsSync(file) ? (parseYaml(readFileSync(file, "utf8")) as Record<string, unknown> | null) : null;
    const salt = `v1:${randomBytes(8).toString("base64")}:v1:${randomBytes(12).toString("base64")}`;
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, stringifyYaml({ encryptionsalt: salt, ...(existing ?? {}) }));
  }

  read(stack: string): StackState {
    return JSON.parse(readFileSync(this.stateFile(stack), "utf8")) as StackState;
  }

  write(stack: string, state: StackState): void {
    writeFileSync(this.stateFile(stack), JSON.stringify(state, null, 2));
  }

  remove(stack: string, preserveConfig: boolean): void {
    rmSync(this.stateFile(stack), { force: true });
    rmSync(this.tagFile(stack), { force: true });
    if (!preserveConfig) rmSync(this.stackConfigFile(stack), { force: true });
  }

  tags(stack: string): Record<string, string> {
    const file = this.tagFile(stack);
    const own = existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as { tags: Record<string, string> }).tags : {};
    return { "pulumi:project": this.project.name, ...own };
  }

  setTag(stack: string, name: string, value: string): void {
    // Pulumi Cloud's rules (the DIY backend has none, which Pulumi treats as a bug): keep tags portable.
    if (name.length > 40) throw new CliError(`error: stack tag "${name}" is too long (max length 40 characters)`, 2);
    if (!/^[A-Za-z0-9_.:-]+$/.test(name)) throw new CliError(`error: stack tag "${name}" may only contain alphanumerics, hyphens, underscores, periods, or colons`, 2);
    if (value.length > 256) throw new CliError(`error: stack tag "${name}" value is too long (max length 256 characters)`, 2);
    const file = this.tagFile(stack);
    const own = existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as { tags: Record<string, string> }).tags : {};
    writeFileSync(file, JSON.stringify({ version: 1, tags: { ...own, [name]: value } }));
  }

  /** The stack's config: project defaults overlaid by its Pulumi.<stack>.yaml. */
  config(stack: string): Record<string, unknown> {
    const file = this.stackConfigFile(stack);
    const own = existsSync(file) ? ((parseYaml(readFileSync(file, "utf8")) as { config?: Record<string, unknown> } | null)?.config ?? {}) : {};
    const defaults: Record<string, unknown> = {};
    for (const [key, entry] of Object.entries(this.project.config)) {
      defaults[key] = typeof entry === "object" && entry !== null && "value" in entry ? (entry as { value: unknown }).value : entry;
    }
    return { ...defaults, ...own };
  }

  /** The stack file's own config as an update records it in its history (secrets decrypted, marked secret). */
  historyConfig(stack: string): Record<string, { value: string; secret: boolean }> {
    const file = this.stackConfigFile(stack);
    const own = existsSync(file) ? ((parseYaml(readFileSync(file, "utf8")) as { config?: Record<string, unknown> } | null)?.config ?? {}) : {};
    const recorded: Record<string, { value: string; secret: boolean }> = {};
    for (const [key, entry] of Object.entries(own)) {
      if (typeof entry === "object" && entry !== null && "secure" in entry) {
        const secure = String((entry as { secure: unknown }).secure);
        recorded[key] = { value: Buffer.from(secure.replace(/^v1:/, ""), "base64").toString("utf8"), secret: true };
      } else recorded[key] = { value: typeof entry === "string" ? entry : JSON.stringify(entry), secret: false };
    }
    return recorded;
  }

  /**
   * The config as the engine hands it to the program: `secure:` values decrypted (this double's "encryption" is
   * base64), and the keys that held one, which the engine marks secret.
   */
  programConfig(stack: string): { config: Record<string, unknown>; secretKeys: string[] } {
    const secretKeys: string[] = [];
    const config: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(this.config(stack))) {
      const secure = value !== null && typeof value === "object" && "secure" in value ? (value as { secure: unknown }).secure : undefined;
      if (typeof secure === "string" && secure.startsWith("v1:")) {
        this.requirePassphrase();
        secretKeys.push(key);
        config[key] = Buffer.from(secure.slice(3), "base64").toString("utf8");
      } else {
        config[key] = value;
      }
    }
    return { config, secretKeys };
  }

  setConfig(stack: string, key: string, value: string, secret: boolean): void {
    const qualified = key.includes(":") ? key : `${this.project.name}:${key}`;
    if (!/^[A-Za-z0-9_.-]+:[A-Za-z0-9_.-]+$/.test(qualified)) throw new CliError(`error: invalid configuration key '${key}'`, 2);
    if (secret) this.requirePassphrase();
    const file = this.stackConfigFile(stack);
    const doc = (existsSync(file) ? (parseYaml(readFileSync(file, "utf8")) as Record<string, unknown> | null) : null) ?? {};
    const config = { ...((doc.config as Record<string, unknown> | undefined) ?? {}) };
    config[qualified] = secret ? { secure: `v1:${Buffer.from(value).toString("base64")}` } : value;
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, stringifyYaml({ ...doc, config }));
  }

  world(): World {
    const file = path.join(this.root, ".double", "world.json");
    return existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as World) : {};
  }

  saveWorld(world: World): void {
    mkdirSync(path.join(this.root, ".double"), { recursive: true });
    writeFileSync(path.join(this.root, ".double", "world.json"), JSON.stringify(world, null, 2));
  }

  /** Every invocation's arguments, for tests to check what the Automation API ran. */
  recordCall(argv: readonly string[]): void {
    mkdirSync(path.join(this.root, ".double"), { recursive: true });
    writeFileSync(path.join(this.root, ".double", "calls.jsonl"), `${JSON.stringify(argv)}\n`, { flag: "a" });
  }
}

function readProject(cwd: string): Project {
  const file = path.join(cwd, "Pulumi.yaml");
  if (!existsSync(file)) {
    throw new CliError(`error: no Pulumi.yaml project file found (searching upwards from ${cwd}). If you have not created a project yet, use \`pulumi new\` to do so`, 2);
  }
  const doc = parseYaml(readFileSync(file, "utf8")) as {
    name?: string;
    stackConfigDir?: string;
    config?: Record<string, unknown>;
    backend?: { url?: string };
  };
  if (!doc.name) throw new CliError("error: project is missing a 'name' attribute", 2);
  return { name: doc.name, stackConfigDir: doc.stackConfigDir ?? ".", config: doc.config ?? {}, backendUrl: doc.backend?.url };
}
