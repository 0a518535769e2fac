import { DokkuState } from "../doubles/dokku/state/types";
import { dropMysqlService } from "../doubles/dokku/services/mariadb";

/** Drops what the double's mysql services created on the shared test MariaDB, so servers leave nothing behind. */
export async function dropDoubleDatabases(state: DokkuState): Promise<void> {
  for (const service of Object.values(state.mysql)) await dropMysqlService(service).catch(() => undefined);
}
