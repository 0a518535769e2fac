import { z } from "zod";
import { sharedSettings } from "../../infra/config/shared-settings";
import { DAY, MINUTE } from "./clock";

/** Every knob of the lifecycle, resolved once from the environment CI gives the scripts. */
export interface LifecycleSettings {
  owner: string;
  repo: string;
  /** Previews that may exist at once: the platform stack's `restant:previewLimit` (infra/config/shared-settings.ts). */
  previewLimit: number;
  /** A preview with no push or `/update` for this long is reaped (RESTANT_PREVIEW_EXPIRY_DAYS, default 30). */
  expiryMs: number;
  /** How long before expiry the PR is warned: one day. */
  warnBeforeMs: number;
  /** Failed creations in a row that pause the automation: 3. */
  breakerThreshold: number;
  /** How long it pauses: 30 minutes. */
  breakerPauseMs: number;
  /**
   * The login CI's GitHub client writes as; only its issues and comments are trusted. From the environment:
   * RESTANT_BOT_LOGIN, default `github-actions[bot]`. A script's deps (cli-runtime.ts) replace it with the login of the
   * token its client writes with: in the platform layout the drift check's platform scope writes as
   * `github-actions[bot]` whatever RESTANT_BOT_LOGIN (the app token's login) says (github-from-env.ts).
   */
  botLogin: string;
  labels: { preview: string; queued: string; drift: string; breaker: string };
  /** The workflow a freed place dispatches for the next queued PR, and the ref it runs on. */
  previewWorkflow: string;
  dispatchRef: string;
  /** This CI run's page, linked from comments (from GITHUB_SERVER_URL, GITHUB_REPOSITORY, GITHUB_RUN_ID). */
  runUrl: string | undefined;
  /** Branches besides main and staging that get a long-lived stack (RESTANT_LONG_LIVED_BRANCHES, comma-separated). */
  longLivedBranches: string[];
  /** Whether the reaper deletes server leftovers no stack owns, or only reports them (RESTANT_REMOVE_ORPHANS). */
  removeOrphans: boolean;
  /** Policy packs for up and preview (RESTANT_POLICY_PACKS, comma-separated, default `policies`). */
  policyPacks: string[];
  /** How long the check after `up` may wait for https://<host>/<health path> (RESTANT_HEALTH_TIMEOUT_MINUTES, default 10). */
  healthTimeoutMs: number;
  /** Who started this run (GITHUB_ACTOR), recorded in GitHub Deployments and the stack's update messages. */
  actor: string;
  /**
   * The team's preview password (the RESTANT_PREVIEW_PASSWORD secret), set on every preview stack as the secret
   * `restant:previewPassword`; undefined: each preview generates its own (stack output `basicAuthPassword`).
   */
  previewPassword: string | undefined;
  /**
   * The platform layout (docs/platform-repository.md): the app repository (RESTANT_APP_REPOSITORY, `owner/name`) whose
   * pull requests get previews and whose commits are deployed; undefined when this project lives in the app's own.
   */
  appRepository: { owner: string; repo: string } | undefined;
}

const envSchema = z.object({
  GITHUB_REPOSITORY: z.string().regex(/^[\w.-]+\/[\w.-]+$/, { error: "must be owner/repo (GitHub sets it in Actions)" }),
  GITHUB_SERVER_URL: z.url().optional(),
  GITHUB_RUN_ID: z.string().regex(/^\d+$/).optional(),
  GITHUB_REF_NAME: z.string().optional(),
  RESTANT_DISPATCH_REF: z.string().min(1).optional(),
  RESTANT_PREVIEW_EXPIRY_DAYS: z.coerce.number().int().min(1).max(365).optional(),
  RESTANT_BOT_LOGIN: z.string().min(1).optional(),
  RESTANT_LONG_LIVED_BRANCHES: z.string().optional(),
  RESTANT_REMOVE_ORPHANS: z.enum(["true", "false"]).optional(),
  RESTANT_POLICY_PACKS: z.string().optional(),
  RESTANT_HEALTH_TIMEOUT_MINUTES: z.coerce.number().int().min(1).max(60).optional(),
  GITHUB_ACTOR: z.string().min(1).optional(),
  RESTANT_APP_REPOSITORY: z.string().regex(/^[\w.-]+\/[\w.-]+$/, { error: "must be the app repository as owner/name" }).optional(),
  RESTANT_PREVIEW_PASSWORD: z.string().min(16, { error: "must be at least 16 characters (the team's preview password)" }).optional(),
});

export function settingsFromEnv(env: NodeJS.ProcessEnv, workDir: string): LifecycleSettings {
  // An unset repository variable reaches the job as an empty string: treat it as unset.
  const given = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ""));
  const parsed = envSchema.safeParse(given);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new Error(`lifecycle settings: ${problems}`);
  }
  refuseRetiredVariables(given);
  const e = parsed.data;
  const { owner, repo } = ownerAndRepo(e.GITHUB_REPOSITORY);
  const list = (text: string | undefined) => (text ?? "").split(",").map((s) => s.trim()).filter(Boolean);
  return {
    owner,
    repo,
    previewLimit: sharedSettings(workDir).previewLimit,
    expiryMs: (e.RESTANT_PREVIEW_EXPIRY_DAYS ?? 30) * DAY,
    warnBeforeMs: DAY,
    breakerThreshold: 3,
    breakerPauseMs: 30 * MINUTE,
    botLogin: e.RESTANT_BOT_LOGIN ?? "github-actions[bot]",
    labels: { preview: "preview", queued: "preview-queued", drift: "drift", breaker: "preview-breaker" },
    previewWorkflow: "preview.yml",
    dispatchRef: e.RESTANT_DISPATCH_REF ?? e.GITHUB_REF_NAME ?? "main",
    runUrl:
      e.GITHUB_SERVER_URL && e.GITHUB_RUN_ID
        ? `${e.GITHUB_SERVER_URL}/${e.GITHUB_REPOSITORY}/actions/runs/${e.GITHUB_RUN_ID}`
        : undefined,
    longLivedBranches: list(e.RESTANT_LONG_LIVED_BRANCHES),
    removeOrphans: e.RESTANT_REMOVE_ORPHANS === "true",
    policyPacks: list(e.RESTANT_POLICY_PACKS).length > 0 ? list(e.RESTANT_POLICY_PACKS) : ["policies"],
    healthTimeoutMs: (e.RESTANT_HEALTH_TIMEOUT_MINUTES ?? 10) * MINUTE,
    actor: e.GITHUB_ACTOR ?? "unknown",
    previewPassword: e.RESTANT_PREVIEW_PASSWORD,
    appRepository: e.RESTANT_APP_REPOSITORY ? ownerAndRepo(e.RESTANT_APP_REPOSITORY) : undefined,
  };
}

function ownerAndRepo(fullName: string): { owner: string; repo: string } {
  const [owner = "", repo = ""] = fullName.split("/");
  return { owner, repo };
}

/**
 * Variables that were a second copy of a config key. Each setting has one source, the stack config the program reads:
 * a variable still set would be ignored while the user believes it counts, so it is refused naming the key to set.
 */
const RETIRED_VARIABLES: Readonly<Record<string, string>> = {
  RESTANT_PREVIEW_LIMIT: "restant:previewLimit",
  SENTRY_ORG: "restant:sentry.organization",
  SENTRY_PROJECT: "restant:sentry.project",
  FLAGSMITH_API_URL: "restant:flagsmith.apiUrl",
};

function refuseRetiredVariables(env: Record<string, string | undefined>): void {
  const set = Object.keys(RETIRED_VARIABLES).filter((name) => env[name] !== undefined);
  if (set.length === 0) return;
  throw new Error(
    `lifecycle settings: ${set.map((name) => `${name} is no longer read: set ${RETIRED_VARIABLES[name]} in Pulumi.yaml or stacks/Pulumi.platform.yaml`).join("; ")} ` +
      "(one source for the program and CI); remove the repository variable",
  );
}
