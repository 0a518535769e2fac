/** One thing wrong with a stack's config: the `restant:*` key it is about and what to do. */
export interface ConfigProblem {
  /** The config key as a user writes it, with a path into objects: `restant:pr`, `restant:dokku.port`. */
  key: string;
  /** What was wrong and what is allowed. */
  message: string;
}

/** Where a stack's config came from, for messages: its file, or the function that synthesized it. */
export interface ConfigSource {
  stack: string;
  /** `stacks/Pulumi.<stack>.yaml`, or a description such as "synthesized for pr-7 (no file)". */
  origin: string;
}

/** Bad config: every problem found, each naming its key, so one run shows all there is to fix. */
export class StackConfigError extends Error {
  constructor(
    readonly source: ConfigSource,
    readonly problems: ConfigProblem[],
  ) {
    super(
      `stack "${source.stack}" has ${problems.length} config problem${problems.length === 1 ? "" : "s"} ` +
        `(${source.origin}):\n` +
        problems.map((p) => `  - ${p.key}: ${p.message}`).join("\n"),
    );
    this.name = "StackConfigError";
  }
}

export function configKey(path: readonly PropertyKey[]): string {
  const [head, ...rest] = path.map(String);
  return `restant:${[head, ...rest].filter((p) => p !== undefined).join(".")}`;
}
