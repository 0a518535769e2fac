import { randomUUID } from "node:crypto";
import { shortHash } from "./keys";
import type { EnvironmentRow, FeatureRecord, FlagState, ProjectRecord, ServerKeyRow } from "./records";

/**
 * What a Flagsmith organisation holds: projects with features, environments (soft-deleted: a deleted one stays in
 * the table and out of every answer, and frees its name) with their flags, and server-side keys (hard-deleted).
 */
export class FlagsmithState {
  private readonly projects = new Map<number, ProjectRecord>();
  private readonly environments: EnvironmentRow[] = [];
  private readonly serverKeys: ServerKeyRow[] = [];
  private nextId = { project: 1, environment: 1, serverKey: 1 };

  addProject(name: string, features: FeatureRecord[] = []): ProjectRecord {
    const project = { id: this.nextId.project++, name, features };
    this.projects.set(project.id, project);
    return project;
  }

  project(id: number): ProjectRecord | undefined {
    return this.projects.get(id);
  }

  liveEnvironments(project: number): EnvironmentRow[] {
    return this.environments.filter((row) => row.project === project && row.deletedAt === null);
  }

  environmentByKey(apiKey: string): EnvironmentRow | undefined {
    return this.environments.find((row) => row.apiKey === apiKey && row.deletedAt === null);
  }

  environmentByUuid(uuid: string): EnvironmentRow | undefined {
    return this.environments.find((row) => row.uuid === uuid && row.deletedAt === null);
  }

  /** The unique-together check of the create and update serializers (the clone serializer has none). */
  nameTaken(project: number, name: string, exceptId?: number): boolean {
    return this.liveEnvironments(project).some((row) => row.name === name && row.id !== exceptId);
  }

  /** A new environment starts with each feature's default state. */
  createEnvironment(project: ProjectRecord, name: string, description: string | null = null): EnvironmentRow {
    const flags = new Map(project.features.map((feature) => [feature.name, { enabled: feature.defaultEnabled, value: feature.initialValue }]));
    return this.insertEnvironment({ project: project.id, name, description, flags });
  }

  /** A copy with a new uuid and key, and the source's flag states (Environment.clone). */
  cloneEnvironment(source: EnvironmentRow, name: string): EnvironmentRow {
    const flags = new Map([...source.flags].map(([feature, state]) => [feature, { ...state }]));
    return this.insertEnvironment({ project: source.project, name, description: source.description, flags });
  }

  deleteEnvironment(row: EnvironmentRow): void {
    row.deletedAt = new Date().toISOString();
  }

  serverKeysOf(environment: EnvironmentRow): ServerKeyRow[] {
    return this.serverKeys.filter((row) => row.environmentId === environment.id);
  }

  createServerKey(environment: EnvironmentRow, name: string, active = true, expiresAt: string | null = null): ServerKeyRow {
    const row = {
      id: this.nextId.serverKey++,
      environmentId: environment.id,
      key: `ser.${shortHash()}`,
      name,
      active,
      createdAt: new Date().toISOString(),
      expiresAt,
    };
    this.serverKeys.push(row);
    return row;
  }

  deleteServerKey(row: ServerKeyRow): void {
    this.serverKeys.splice(this.serverKeys.indexOf(row), 1);
  }

  /** Arranges a flag the way someone would in Flagsmith's UI. */
  setFlag(apiKey: string, feature: string, state: FlagState): void {
    const environment = this.environmentByKey(apiKey);
    if (!environment) throw new Error(`no live environment with key ${apiKey}`);
    environment.flags.set(feature, { ...state });
  }

  /** The flags of a live environment, for assertions. */
  flagsOf(apiKey: string): Record<string, FlagState> {
    const environment = this.environmentByKey(apiKey);
    if (!environment) throw new Error(`no live environment with key ${apiKey}`);
    return Object.fromEntries([...environment.flags].map(([feature, state]) => [feature, { ...state }]));
  }

  /** Every environment row, deleted ones too, for assertions about soft delete. */
  allEnvironmentRows(): readonly EnvironmentRow[] {
    return this.environments;
  }

  private insertEnvironment(fields: Pick<EnvironmentRow, "project" | "name" | "description" | "flags">): EnvironmentRow {
    const row: EnvironmentRow = { id: this.nextId.environment++, uuid: randomUUID(), apiKey: shortHash(), deletedAt: null, ...fields };
    this.environments.push(row);
    return row;
  }
}
