import type { DokkuCommand, DokkuResult } from "./ssh-options";

/**
 * What the service operations (MySQL, Redis slot, TLS, basic auth) need from a Dokku session: run one command and
 * get its output, or a DokkuCommandError when it exits non-zero. DokkuSession satisfies it; the operations never see
 * SSH, keys or Pulumi, and unit tests can hand them a fake.
 */
export interface DokkuRunner {
  run(args: readonly string[], options?: Omit<DokkuCommand, "args">): Promise<DokkuResult>;
}
