/** One thing wrong with a stack's config: the `restant:*` key it is about and what to do. */
export interface ConfigProblem {
  /** The config key as a user writes it, with a path into objects: `restant:pr`, `restant:dokku.port`. */
  key: string;
  /** What was wrong and what is allowed. */
  message: string;
  /** The file the key's value lives in (`Pulumi.yaml`, `stacks/Pulumi.staging.yaml`), when known. */
  file?: string;
}

/** Where a stack's config came from, for messages: its file, or the function that synthesized it. */
export interface ConfigSource {
  stack: string;
  /** `stacks/Pulumi.<stack>.yaml`, or a description such as "synthesized for pr-7 (no file)". */
  origin: string;
  /**
   * The file each full key (`restant:zone`) came from, when it is not `origin`: a project-level default lives in
   * Pulumi.yaml, and a problem with it must send the user there. Default: every key from `origin`.
   */
  files?: Readonly<Record<string, string>>;
}

/** Bad config: every problem found, each naming its key and file, so one run shows all there is to fix. */
export class StackConfigError extends Error {
  readonly problems: ConfigProblem[];

  constructor(
    readonly source: ConfigSource,
    problems: ConfigProblem[],
  ) {
    const located = problems.map((p) => withFile(p, source));
    super(
      `stack "${source.stack}" has ${located.length} config problem${located.length === 1 ? "" : "s"} ` +
        `(${source.origin}):\n` +
        located.map((p) => `  - ${p.key}: ${p.message}${p.file && p.file !== source.origin ? ` (in ${p.file})` : ""}`).join("\n"),
    );
    this.name = "StackConfigError";
    this.problems = located;
  }
}

/** The problem with the file its key's value came from. */
export function withFile(problem: ConfigProblem, source: ConfigSource): ConfigProblem {
  if (problem.file !== undefined) return problem;
  const file = source.files?.[topLevelKey(problem.key)];
  return file === undefined ? problem : { ...problem, file };
}

/** `restant:dokku.hostKey` → `restant:dokku`: a stack file's value replaces Pulumi.yaml's whole object. */
export function topLevelKey(key: string): string {
  const dot = key.indexOf(".", key.indexOf(":") + 1);
  return dot < 0 ? key : key.slice(0, dot);
}

export function configKey(path: readonly PropertyKey[]): string {
  const [head, ...rest] = path.map(String);
  return `restant:${[head, ...rest].filter((p) => p !== undefined).join(".")}`;
}
