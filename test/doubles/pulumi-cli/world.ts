/**
 * What a test makes the infrastructure behind the double do, kept in `<backend>/.double/world.json` so that every CLI
 * invocation (a separate process) sees it. Counters are consumed as operations run.
 */
export interface StackBehaviour {
  /** The next this-many `up`s fail part-way (half the resources made). */
  failUp?: number;
  /**
   * What the failing resource printed before it failed (a deploy's build log), as the engine shows a remote command's
   * output; the failure names `failingResource` when given, else the resource after the half made.
   */
  failUpLog?: string[];
  failingResource?: string;
  /** The next this-many `destroy`s fail part-way (some resources left). */
  failDestroy?: number;
  /** Milliseconds an `up` holds the stack's lock (to race it). */
  upDelayMs?: number;
  /** An `up` holds the stack's lock until this file exists (a test releases it once the race it wants is set up). */
  upHeldUntil?: string;
  destroyDelayMs?: number;
  /** Properties changed on the server behind Pulumi's back; an `up` puts them back. */
  drift?: Array<{ resource: string; field: string; actual: unknown }>;
  /** A preview fails with this engine error (a provider that cannot reach its server). */
  previewError?: string;
  /** A program bug: the `url` output gets this secret output's value appended (to prove comments refuse it). */
  leakSecretIntoUrl?: string;
}

export interface World {
  stacks?: Record<string, StackBehaviour>;
  /** Which lock text to print: the DIY backend's, or the Pulumi Cloud's `[409] Conflict`. Default: diy. */
  lockStyle?: "diy" | "service";
}
