import { randomBytes } from "node:crypto";
import { DokkuFailure } from "../cli/failure";
import {
  MariaDbServer,
  cloneDatabase,
  createMysqlService,
  dropMysqlService,
  exportDatabase,
  importDatabase,
  mysqlDsn,
  mysqlNames,
  testMariaDb,
} from "../services/mariadb";
import { faultsOf } from "../state/faults";
import { MysqlService } from "../state/types";
import { CommandHandler } from "./context";
import { DatastorePlugin, datastoreCommands, existingService, needTestServer } from "./datastore";

const server = (env: NodeJS.ProcessEnv): MariaDbServer => needTestServer(testMariaDb(env), "mysql", "MariaDB");

/** dokku-mysql: one service = one database and one user on the shared test MariaDB server. */
const plugin: DatastorePlugin<MysqlService> = {
  prefix: "mysql",
  label: "MySQL",
  defaultAlias: "DATABASE",
  altAlias: "DOKKU_MYSQL",
  services: (state) => state.mysql,
  reserve: (state, name, env) => {
    server(env);
    state.namespace ||= randomBytes(4).toString("hex");
    return { createdAt: Math.floor(Date.now() / 1000), links: [], ...mysqlNames(state.namespace, name) };
  },
  provision: (service, env) => createMysqlService(server(env), service),
  remove: (service, env) => dropMysqlService(service, server(env)),
  url: (service, env) => mysqlDsn(server(env), service),
  id: (service) => service.database,
  version: "mysql:9.7.0",
};

const generic = datastoreCommands(plugin);

/**
 * mysql:clone from to — creates `to`, then `service_export | service_import >/dev/null 2>&1 || true`: import errors
 * are swallowed, so a half-copied clone still exits 0.
 */
const clone: CommandHandler = async (context) => {
  const [from, to] = context.args;
  if (!from) throw DokkuFailure.of("Please specify a valid name for the service");
  if (!to) throw DokkuFailure.of("Please specify a name for the new service");
  const source = existingService(plugin, context.store.read(), from);
  if (Object.prototype.hasOwnProperty.call(context.store.read().mysql, to)) {
    throw DokkuFailure.of(`Invalid service name ${to}. Verify the service name is not already in use.`);
  }
  context.console.info2(`Cloning ${from} to ${to} @ mysql:9.7.0`);
  await generic["mysql:create"]({ ...context, args: [to] });
  context.console.info1(`Copying data from ${from} to ${to}`);
  const target = existingService(plugin, context.store.read(), to);
  const truncate = faultsOf(context.store.read().faults, "truncate-clone")[0];
  await cloneDatabase(server(context.env), source.database, target.database, truncate?.afterBytes).catch(() => undefined);
  context.console.info2("Done");
};

/** mysql:export service — the dump on stdout. */
const exportService: CommandHandler = async ({ args, store, env, console }) => {
  const service = existingService(plugin, store.read(), args[0]);
  const code = await exportDatabase(server(env), service.database, console);
  if (code !== 0) throw new DokkuFailure([], code);
};

/** mysql:import service < dump.sql */
const importService: CommandHandler = async ({ args, store, env, stdin, console }) => {
  const service = existingService(plugin, store.read(), args[0]);
  if (stdin.isTerminal) throw DokkuFailure.of("No data provided on stdin.");
  // The dump as bytes: decoding it as text would corrupt binary columns. service_import runs the mysql client as root
  // on the service's database, and whatever the client prints reaches the caller.
  const code = await importDatabase(server(env), service.database, await stdin.bytes(), {
    stdout: (chunk) => console.write(chunk),
    stderr: (chunk) => console.writeError(chunk),
  });
  if (code !== 0) throw new DokkuFailure([], code);
};

export const mysqlCommands: Record<string, CommandHandler> = {
  ...generic,
  "mysql:clone": clone,
  "mysql:export": exportService,
  "mysql:import": importService,
};
