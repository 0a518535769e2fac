import { flagsmithApiError, isApiStatus } from "./api-error";
import type {
  FlagsmithClonedEnvironmentRecord,
  FlagsmithEnvironmentRecord,
  FlagsmithPage,
  FlagsmithServerKeyRecord,
} from "./api-types";
import { DEFAULT_RETRY_POLICY, systemRetryClock, type RetryClock, type RetryPolicy } from "../http/retry-policy";
import { send, type ApiAnswer, type ApiRequest, type FlagsmithConnection } from "./transport";

/**
 * The Flagsmith admin API, as much of it as environments and their server-side keys need. Knows nothing of Pulumi.
 * Routes and answers follow api/environments/ of Flagsmith: environments are looked up by their client-side
 * `api_key`, lists come 10 a page, server-side keys are listed unpaginated and have no retrieve route.
 */
export class FlagsmithClient {
  constructor(
    private readonly connection: FlagsmithConnection,
    private readonly policy: RetryPolicy = DEFAULT_RETRY_POLICY,
    /** Waits between attempts and the time budget: real time, or a test's clock. */
    private readonly clock: RetryClock = systemRetryClock(),
  ) {}

  /** Every live environment of a project, all pages followed. */
  async listEnvironments(project: number): Promise<FlagsmithEnvironmentRecord[]> {
    const all: FlagsmithEnvironmentRecord[] = [];
    let target: string | null = `/environments/?project=${encodeURIComponent(project)}`;
    for (let pages = 0; target !== null; pages += 1) {
      if (pages >= 1000) throw flagsmithApiError("Flagsmith's environment list did not end after 1000 pages", 0, undefined);
      const page: FlagsmithPage<FlagsmithEnvironmentRecord> = await this.call<FlagsmithPage<FlagsmithEnvironmentRecord>>({ method: "GET", target });
      all.push(...page.results);
      target = page.next;
    }
    return all;
  }

  /** The project's environments called `name`: names are unique on create and rename, but a clone does not check. */
  async environmentsNamed(project: number, name: string): Promise<FlagsmithEnvironmentRecord[]> {
    return (await this.listEnvironments(project)).filter((environment) => environment.name === name);
  }

  /** The environment with this client-side key; undefined when there is none (or it was deleted). */
  async getEnvironment(apiKey: string): Promise<FlagsmithEnvironmentRecord | undefined> {
    return this.unlessMissing(() => this.call<FlagsmithEnvironmentRecord>({ method: "GET", target: `/environments/${encodeURIComponent(apiKey)}/` }));
  }

  /** The environment with this uuid, which nobody can edit (its api_key can be); undefined when gone. */
  async getEnvironmentByUuid(uuid: string): Promise<FlagsmithEnvironmentRecord | undefined> {
    return this.unlessMissing(() =>
      this.call<FlagsmithEnvironmentRecord>({ method: "GET", target: `/environments/get-by-uuid/${encodeURIComponent(uuid)}/` }),
    );
  }

  /** Creates an empty environment (201). A taken name is refused by Flagsmith with a 400. */
  async createEnvironment(project: number, name: string): Promise<FlagsmithEnvironmentRecord> {
    const before = await this.environmentIds(project);
    return (await this.call({
      method: "POST",
      target: "/environments/",
      body: { name, project },
      recover: () => this.environmentCreatedSince(project, name, before),
    })) as FlagsmithEnvironmentRecord;
  }

  /**
   * Copies an environment with its flags (feature states, synchronously) under a new name (200). Flagsmith does not
   * check the name on clone: callers check it first.
   */
  async cloneEnvironment(source: FlagsmithEnvironmentRecord, name: string): Promise<FlagsmithEnvironmentRecord> {
    const before = await this.environmentIds(source.project);
    const clone = (await this.call({
      method: "POST",
      target: `/environments/${encodeURIComponent(source.api_key)}/clone/`,
      body: { name },
      recover: () => this.environmentCreatedSince(source.project, name, before),
    })) as FlagsmithClonedEnvironmentRecord;
    // The clone's answer has no uuid; the retrieve route has.
    const full = await this.getEnvironment(clone.api_key);
    if (!full) throw flagsmithApiError(`Flagsmith cloned environment "${name}" but cannot find it`, 404, undefined);
    return full;
  }

  /** Renames an environment (PATCH, 200); a taken name is refused with a 400. */
  async renameEnvironment(apiKey: string, name: string): Promise<FlagsmithEnvironmentRecord> {
    return (await this.call({
      method: "PATCH",
      target: `/environments/${encodeURIComponent(apiKey)}/`,
      body: { name },
    })) as FlagsmithEnvironmentRecord;
  }

  /** Deletes (soft-deletes) an environment. False when it was already gone. */
  async deleteEnvironment(apiKey: string): Promise<boolean> {
    const answer = await this.unlessMissing(() =>
      this.send({ method: "DELETE", target: `/environments/${encodeURIComponent(apiKey)}/` }),
    );
    return answer !== undefined;
  }

  /**
   * The server-side keys of an environment; undefined when the environment is gone. Flagsmith answers 403, not 404,
   * for the keys of a missing environment (its permission check looks the environment up), so a 403 is told apart
   * by looking the environment up.
   */
  async listServerKeys(environmentApiKey: string): Promise<FlagsmithServerKeyRecord[] | undefined> {
    try {
      return (await this.call({ method: "GET", target: this.keysPath(environmentApiKey) })) as FlagsmithServerKeyRecord[];
    } catch (error) {
      if (isApiStatus(error, 403) && !(await this.getEnvironment(environmentApiKey))) {
        return undefined;
      }
      throw error;
    }
  }

  /** Creates a server-side key (`ser.…`, 201). Names need not be unique. */
  async createServerKey(environmentApiKey: string, name: string): Promise<FlagsmithServerKeyRecord> {
    const existing = await this.listServerKeys(environmentApiKey);
    if (!existing) throw flagsmithApiError(`Flagsmith has no environment with the key ${environmentApiKey} to make a server-side key in`, 404, undefined);
    const before = new Set(existing.map((key) => key.id));
    return (await this.call({
      method: "POST",
      target: this.keysPath(environmentApiKey),
      body: { name },
      recover: async () => {
        const created = (await this.listServerKeys(environmentApiKey))?.find((key) => key.name === name && !before.has(key.id));
        return created && { status: 201, body: created };
      },
    })) as FlagsmithServerKeyRecord;
  }

  /** Changes a key's name or activity (PATCH, 200). */
  async updateServerKey(
    environmentApiKey: string,
    id: number,
    change: { name?: string; active?: boolean },
  ): Promise<FlagsmithServerKeyRecord> {
    return (await this.call({ method: "PATCH", target: `${this.keysPath(environmentApiKey)}${id}/`, body: change })) as FlagsmithServerKeyRecord;
  }

  /** Deletes a key. False when it, or its environment, was already gone. */
  async deleteServerKey(environmentApiKey: string, id: number): Promise<boolean> {
    try {
      const answer = await this.unlessMissing(() => this.send({ method: "DELETE", target: `${this.keysPath(environmentApiKey)}${id}/` }));
      return answer !== undefined;
    } catch (error) {
      if (isApiStatus(error, 403) && !(await this.getEnvironment(environmentApiKey))) return false;
      throw error;
    }
  }

  private keysPath(environmentApiKey: string): string {
    return `/environments/${encodeURIComponent(environmentApiKey)}/api-keys/`;
  }

  private async environmentIds(project: number): Promise<Set<number>> {
    return new Set((await this.listEnvironments(project)).map((environment) => environment.id));
  }

  /** After a POST that may have been carried out: the environment it made, if it made one. */
  private async environmentCreatedSince(project: number, name: string, before: Set<number>): Promise<ApiAnswer | undefined> {
    const created = (await this.environmentsNamed(project, name)).find((environment) => !before.has(environment.id));
    return created && { status: 201, body: created };
  }

  private async unlessMissing<T>(request: () => Promise<T>): Promise<T | undefined> {
    try {
      return await request();
    } catch (error) {
      if (isApiStatus(error, 404)) return undefined;
      throw error;
    }
  }

  /** The answer's body, as the route's serializer shapes it. */
  private async call<T>(request: ApiRequest): Promise<T> {
    return (await this.send(request)).body as T;
  }

  private send(request: ApiRequest): Promise<ApiAnswer> {
    return send(this.connection, this.policy, request, this.clock);
  }
}
