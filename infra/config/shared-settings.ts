import { projectDir } from "../project-dir";
import { parseStackConfig } from "./parse";
import { readStackConfig } from "./stack-files";

/**
 * The settings the CI scripts and workflows share with the program, each from its one config key: the platform stack's
 * config (Pulumi.yaml's defaults and stacks/Pulumi.platform.yaml), read by the program's own reader and checked by its
 * own schema. CI has no second copy (repository variables) that could disagree with what the program declares.
 */
export interface SharedSettings {
  /** `restant:previewLimit`: previews that may exist at once (the platform sizes its slots and pool by it). */
  previewLimit: number;
  /** `restant:sentry`: where releases are registered after each deploy. */
  sentry: { organization: string; project: string } | undefined;
  /** `restant:flagsmith.apiUrl`: the Flagsmith API the app reads flags from and the providers manage. */
  flagsmithApiUrl: string | undefined;
}

/** Bad config throws StackConfigError naming the key and its file, as the program does. */
export function sharedSettings(dir: string = projectDir): SharedSettings {
  const { config, files } = readStackConfig("platform", { dir });
  // A project whose platform stack has no file yet still has its kind: the settings below are Pulumi.yaml's.
  const raw = { "restant:kind": "platform", ...config };
  const parsed = parseStackConfig(raw, { stack: "platform", origin: "stacks/Pulumi.platform.yaml", files });
  return {
    previewLimit: parsed.previewLimit,
    sentry: parsed.sentry ? { organization: parsed.sentry.organization, project: parsed.sentry.project } : undefined,
    flagsmithApiUrl: parsed.flagsmith?.apiUrl,
  };
}
