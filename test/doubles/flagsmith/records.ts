/** A flag's state in one environment. */
export interface FlagState {
  enabled: boolean;
  value: string | number | boolean | null;
}

/** A feature of a project, with what new environments start with. */
export interface FeatureRecord {
  name: string;
  defaultEnabled: boolean;
  initialValue: string | number | boolean | null;
}

export interface ProjectRecord {
  id: number;
  name: string;
  features: FeatureRecord[];
}

export interface EnvironmentRow {
  id: number;
  uuid: string;
  name: string;
  apiKey: string;
  project: number;
  description: string | null;
  /** Soft delete: the row stays, every query leaves it out. */
  deletedAt: string | null;
  flags: Map<string, FlagState>;
}

export interface ServerKeyRow {
  id: number;
  environmentId: number;
  key: string;
  name: string;
  active: boolean;
  createdAt: string;
  expiresAt: string | null;
}
