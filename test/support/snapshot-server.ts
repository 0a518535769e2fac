import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { type MariaDbServer, testMariaDb } from "../doubles/dokku/services/mariadb";
import type { MysqlService } from "../doubles/dokku/state/types";
import { StateStore } from "../doubles/dokku/state/store";
import { type DokkuServer, startDokkuServer } from "./dokku-server";
import { runAsRoot } from "./root-shell";

/**
 * The Dokku test server as the snapshot refresh and the warm pool's refill see it: the double behind sshd on the test
 * MariaDB, an operator's `dokku` and root's shell, and this test's own lock and generation files (never the server
 * paths the installed scripts use), in a scratch folder removed by stop().
 */
export interface SnapshotServer {
  server: DokkuServer;
  /** The flock both server scripts share, and the snapshot generation file, in this test's scratch folder. */
  lockPath: string;
  generationPath: string;
  mariadb(): MariaDbServer;
  /** The double's dokku-mysql services now. */
  services(): Record<string, MysqlService>;
  /** A service's database on the test MariaDB. */
  databaseOf(service: string): string;
  /** `dokku <args>` as an admin on the server; its stdout, or an error naming the command. */
  operator(...args: string[]): Promise<string>;
  /** A script as root (`sh -s` over SSH), as cron runs the installed ones. */
  runAsRoot(script: string): Promise<{ code: number; stdout: string; stderr: string }>;
  stop(): Promise<void>;
}

/** Starts the server and creates the given dokku-mysql services (empty) on it. */
export async function startSnapshotServer(mysqlServices: readonly string[]): Promise<SnapshotServer> {
  const mariadb = testMariaDb();
  if (!mariadb) throw new Error("the snapshot server needs the test MariaDB: run through test/services/start.sh");
  const scratch = mkdtempSync(path.join(tmpdir(), "restant-snapshot-server-"));
  const server = await startDokkuServer();
  const services = () => new StateStore(server.stateDir).read().mysql;
  const operator = async (...args: string[]) => {
    const result = await server.operator(args);
    if (result.code !== 0) throw new Error(`dokku ${args.join(" ")} exited ${result.code}: ${result.stderr}`);
    return result.stdout;
  };
  for (const service of mysqlServices) await operator("mysql:create", service);
  return {
    server,
    lockPath: path.join(scratch, "refresh.lock"),
    generationPath: path.join(scratch, "generation"),
    mariadb: () => mariadb,
    services,
    databaseOf: (service) => {
      const found = services()[service];
      if (!found) throw new Error(`no MySQL service ${service} on the test server`);
      return found.database;
    },
    operator,
    runAsRoot: (script) => runAsRoot(server, script),
    stop: async () => {
      await server.stop();
      rmSync(scratch, { recursive: true, force: true });
    },
  };
}
