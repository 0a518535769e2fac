export type { BackupRecord, EnvironmentRuntime, RuntimeArgs } from "./environment-runtime";
export { createRuntime } from "./create-runtime";
