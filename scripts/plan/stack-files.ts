import { readStackConfig, type RawConfig, type StackConfigFiles } from "../../infra/config/stack-files";

export { hasStackFile, type RawConfig, SECRET_PLACEHOLDER, stackFilePath } from "../../infra/config/stack-files";
export { projectDir } from "../../infra/project-dir";

/**
 * The config the engine would give the program for a stack: Pulumi.yaml's project-level defaults, overridden by the
 * stack file's `config:` (if any), overridden by `extra` (what CI sets on a stack it synthesizes).
 */
export function stackConfig(stack: string, extra: RawConfig = {}): RawConfig {
  return readStackConfig(stack, { extra }).config;
}

/** stackConfig, the keys holding a `secure:` value, and the file each key came from. */
export function stackConfigWithSecrets(stack: string, extra: RawConfig = {}, extraOrigin?: string): StackConfigFiles {
  return readStackConfig(stack, { extra, ...(extraOrigin ? { extraOrigin } : {}) });
}
