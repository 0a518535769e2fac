import { readFileSync, writeFileSync } from "node:fs";
import { parse as parseYaml, stringify as stringifyYaml } from "yaml";
import { afterEach, beforeEach } from "vitest";
import * as path from "node:path";
import { AutomationStackEngine } from "../../../scripts/lifecycle/automation-stack-engine";
import type { Clock } from "../../../scripts/lifecycle/clock";
import type { PreviewCommand } from "../../../scripts/lifecycle/preview-command";
import type { LifecycleDeps } from "../../../scripts/lifecycle/lifecycle-deps";
import { OctokitGitHubApi } from "../../../scripts/lifecycle/octokit-github-api";
import { PreviewLifecycle, type PreviewResult } from "../../../scripts/lifecycle/preview-lifecycle";
import { readPreviewStatus } from "../../../scripts/lifecycle/preview-comment";
import type { PreviewStatus } from "../../../scripts/lifecycle/preview-status";
import { sharedSettings } from "../../../infra/config/shared-settings";
import { SentryReleases, sentryTargetFrom } from "../../../scripts/lifecycle/sentry-releases";
import { settingsFromEnv, type LifecycleSettings } from "../../../scripts/lifecycle/settings";
import { httpsHealthProbe } from "../../../scripts/lifecycle/health-check";
import { HttpsAppDouble, type AppRequest } from "../../doubles/app/https-app";
import { GitHubDouble } from "../../doubles/github/github-double";
import { installPulumiDouble, type PulumiDoubleWorkspace } from "../../doubles/pulumi-cli/install";
import { SentryDouble } from "../../doubles/sentry-releases/sentry-double";
import { TEAM_ZONE } from "../../support/team-values";

/** Fake time that still lets real time pass while waiting, so other processes (the CLI double) can finish. */
export class TestClock implements Clock {
  private current: number;
  constructor(start = Date.parse("2026-03-01T12:00:00Z")) {
    this.current = start;
  }
  now(): Date {
    return new Date(this.current);
  }
  advance(ms: number): void {
    this.current += ms;
  }
  async sleep(ms: number): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, Math.min(ms, 100)));
    this.current += ms;
  }
}

export const PASSPHRASE = "double-passphrase";
export const SHA_A = "a".repeat(40);
export const SHA_B = "b".repeat(40);
/** Commits the GitHub double's repository holds: every `x.repeat(40)` of a hex digit the scenarios use. */
const REPEATED_SHAS = [..."0123456789abcdef"].map((c) => c.repeat(40));

/**
 * A fresh scenario for each test of the file, with a maintainer, a writer and a triager; `use` receives it.
 * (A setter, because vitest's hooks run after the test bodies are declared.)
 */
export function scenarioPerTest(use: (scenario: Scenario) => void): void {
  let current: Scenario | undefined;
  beforeEach(async () => {
    current = await Scenario.start();
    current.github.setRole("maintainer", "maintain");
    current.github.setRole("writer", "write");
    current.github.setRole("triager", "triage");
    use(current);
  });
  afterEach(async () => {
    await current?.stop();
  });
}

/**
 * One world for a scenario: the GitHub double over HTTP reached through Octokit, the pulumi CLI double on PATH
 * reached through the Automation API, a Sentry double, the deployed app over HTTPS (every environment's host, with a
 * certificate of a test CA the probe trusts) and a clock the test moves. The app answers /health with 200 unless the
 * commit its stack runs is in `brokenCommits`; a preview's answers 401 without its stack's basic-auth password.
 */
export class Scenario {
  readonly clock = new TestClock();
  readonly log: string[] = [];
  /** Commits whose app fails its health check (503). */
  readonly brokenCommits = new Set<string>();
  settings!: LifecycleSettings;
  deps!: LifecycleDeps;

  private constructor(
    readonly github: GitHubDouble,
    readonly pulumi: PulumiDoubleWorkspace,
    readonly sentry: SentryDouble,
    readonly app: HttpsAppDouble,
  ) {
    app.answer = (request) => this.appAnswer(request);
  }

  static async start(env: Record<string, string> = {}): Promise<Scenario> {
    const github = await new GitHubDouble().start();
    const sentry = await new SentryDouble({ token: "sntrys_double" }).start();
    const app = await HttpsAppDouble.start();
    const pulumi = installPulumiDouble();
    const scenario = new Scenario(github, pulumi, sentry, app);
    for (const sha of REPEATED_SHAS) github.state.addCommit(sha);
    process.env.PATH = `${pulumi.binDir}:${process.env.PATH ?? ""}`;
    github.state.workflows.set("preview.yml", ["pr", "action"]);
    scenario.configure(env);
    return scenario;
  }

  /** Sets `restant:*` keys in the project's platform stack file, the one source of the settings CI shares with the program. */
  setPlatformConfig(values: Record<string, unknown>): void {
    const file = path.join(this.pulumi.workDir, "stacks", "Pulumi.platform.yaml");
    const document = parseYaml(readFileSync(file, "utf8")) as { config: Record<string, unknown> };
    Object.assign(document.config, values);
    writeFileSync(file, stringifyYaml(document));
    this.configure();
  }

  configure(env: Record<string, string> = {}): void {
    this.settings = settingsFromEnv(
      { GITHUB_REPOSITORY: "restant/environments", GITHUB_SERVER_URL: "https://github.com", GITHUB_RUN_ID: "42", ...env },
      this.pulumi.workDir,
    );
    const log = (text: string) => void this.log.push(text);
    this.deps = {
      engine: new AutomationStackEngine({
        workDir: this.pulumi.workDir,
        envVars: { PULUMI_CONFIG_PASSPHRASE: PASSPHRASE },
        clock: this.clock,
        lockPollMs: 200,
        log,
      }),
      github: new OctokitGitHubApi({
        token: this.github.acceptedToken,
        owner: "restant",
        repo: "environments",
        baseUrl: this.github.url,
        paceWrites: false,
        log,
      }),
      clock: this.clock,
      probe: httpsHealthProbe({ resolve: { "*": this.app.address }, extraCa: [this.app.caPem] }),
      settings: this.settings,
      // The Sentry project the program makes client keys in (restant:sentry), as the CI scripts read it.
      sentry: new SentryReleases(sentryTargetFrom({ SENTRY_AUTH_TOKEN: "sntrys_double", SENTRY_URL: this.sentry.url }, sharedSettings(this.pulumi.workDir).sentry)!),
      teardown: { backoffMs: [10, 10] },
      log,
    };
  }

  async stop(): Promise<void> {
    await this.github.stop();
    await this.sentry.stop();
    await this.app.stop();
  }

  /** What a spawned script needs to reach the app double as it reaches a real environment: its address and CA. */
  get appEnv(): Record<string, string> {
    return { RESTANT_HEALTH_RESOLVE: `*=${this.app.address}`, NODE_EXTRA_CA_CERTS: this.app.caFile, RESTANT_HEALTH_TIMEOUT_MINUTES: "1" };
  }

  /** The stack a host belongs to (`restant.<slug>.<zone>`, previews `restant-<slug>.<zone>`; production's slug is main). */
  private stackOfHost(host: string): string | undefined {
    const zone = TEAM_ZONE.replace(/\./g, "\\.");
    const slug = new RegExp(`^restant[.-]([a-z0-9-]+)\\.${zone}$`).exec(host)?.[1];
    return slug === "main" ? "production" : slug;
  }

  /** The commit a stack was last deployed at, from its config (restant:commit). */
  commitOf(stack: string): string | undefined {
    const text = this.pulumi.stackConfig(stack);
    const config = text ? ((parseYaml(text) as { config?: Record<string, unknown> }).config ?? {}) : {};
    const commit = config["restant:commit"];
    return typeof commit === "string" ? commit : undefined;
  }

  private async appAnswer(request: AppRequest): Promise<number> {
    const stack = this.stackOfHost(request.host);
    if (!stack) return 404;
    if (stack.startsWith("pr-")) {
      const password = (await this.deps.engine.outputs(stack)).basicAuthPassword?.value;
      if (request.basicAuth?.user !== "restant" || request.basicAuth.password !== password) return 401;
    }
    const commit = this.commitOf(stack);
    return commit && this.brokenCommits.has(commit) ? 503 : 200;
  }

  run(command: PreviewCommand): Promise<PreviewResult> {
    return new PreviewLifecycle(this.deps).run(command);
  }

  comment(pr: number, user: string, body: string) {
    this.github.state.addComment(pr, user, body);
    return { kind: body === "/preview" ? "create" : body === "/update" ? "update" : "destroy", pr, actor: user, trigger: "comment" } as PreviewCommand;
  }

  /** The status in the bot's preview comment on the PR, and how many preview comments there are. */
  status(pr: number): { status: PreviewStatus | undefined; count: number; body: string } {
    const ours = this.github.state.commentsOn(pr).filter((c) => c.author === "github-actions[bot]" && readPreviewStatus(c.body));
    return { status: ours[0] ? readPreviewStatus(ours[0].body) : undefined, count: ours.length, body: ours[0]?.body ?? "" };
  }

  /** Makes the next `up` of the stack hold its lock until `release()`. */
  holdUp(stack: string): { release: () => void } {
    const file = path.join(this.pulumi.workDir, `.release-${stack}`);
    const world = this.pulumi.world();
    this.pulumi.setWorld({ ...world, stacks: { ...world.stacks, [stack]: { ...world.stacks?.[stack], upHeldUntil: file } } });
    return { release: () => writeFileSync(file, "") };
  }

  /** Resolves once a lifecycle log line matches. */
  async waitForLog(pattern: RegExp): Promise<void> {
    for (let i = 0; i < 600 && !pattern.test(this.log.join("")); i++) await new Promise((resolve) => setTimeout(resolve, 50));
    if (!pattern.test(this.log.join(""))) throw new Error(`no log line matched ${pattern}`);
  }

  /** Resolves once the CLI double has been called for `command` on the stack more than `after` times. */
  async waitForCall(command: string, stack: string, after = 0): Promise<void> {
    const count = () => this.pulumi.calls().filter((c) => c[0] === command && c.includes(stack)).length;
    for (let i = 0; i < 300 && count() <= after; i++) await new Promise((resolve) => setTimeout(resolve, 50));
    if (count() <= after) throw new Error(`pulumi ${command} never ran for ${stack}`);
  }

  async stacks(): Promise<string[]> {
    return (await this.deps.engine.listStacks()).map((s) => s.name);
  }
}
