// Shapes of the Flagsmith admin API as its serializers write them (api/environments/serializers.py).
// Types only: nothing here exists at run time, so nothing here can end up in a serialized provider.

/** An environment as the list, retrieve and create endpoints return it (fields this project reads). */
export interface FlagsmithEnvironmentRecord {
  id: number;
  uuid: string;
  name: string;
  /** The client-side environment key: the lookup of every /environments/{api_key}/ route. */
  api_key: string;
  project: number;
  description?: string | null;
}

/** What the clone endpoint answers: fewer fields than the others (no uuid). */
export interface FlagsmithClonedEnvironmentRecord {
  id: number;
  name: string;
  api_key: string;
  project: number;
}

/** A server-side SDK key (`ser.…`) of one environment. */
export interface FlagsmithServerKeyRecord {
  id: number;
  key: string;
  name: string;
  active: boolean;
  created_at: string;
  expires_at: string | null;
}

/** Django REST framework's page: `next` is an absolute URL, or null on the last page. */
export interface FlagsmithPage<T> {
  count: number;
  next: string | null;
  previous: string | null;
  results: T[];
}
