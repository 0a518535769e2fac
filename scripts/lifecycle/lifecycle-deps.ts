import type { Clock } from "./clock";
import type { GitHubApi } from "./github-api";
import type { HealthProbe } from "./health-check";
import type { SentryReleases } from "./sentry-releases";
import type { LifecycleSettings } from "./settings";
import type { StackEngine } from "./stack-engine";
import type { StackTeardownOptions } from "./stack-teardown";

/** What every lifecycle script works with; CLI entry points build the real ones, tests the doubles. */
export interface LifecycleDeps {
  engine: StackEngine;
  github: GitHubApi;
  clock: Clock;
  /** Asks an environment's health URL from outside after each `up`. */
  probe: HealthProbe;
  settings: LifecycleSettings;
  /** Undefined when Sentry is not configured: releases are then not registered, and the log says so. */
  sentry: SentryReleases | undefined;
  teardown?: StackTeardownOptions;
  log: (text: string) => void;
}
