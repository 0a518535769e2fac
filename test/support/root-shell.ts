import type * as RootShell from "../../scripts/restore/root-shell";
import { requireBuilt } from "./built";
import type { DokkuServer } from "./dokku-server";

const { runAsRootOnServer } = requireBuilt<typeof RootShell>("scripts/restore/root-shell.ts");

/** Runs a shell script as root over SSH on the test server, the way a cron runs it (script on stdin of `sh -s`). */
export function runAsRoot(server: DokkuServer, script: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return runAsRootOnServer({ host: server.host, port: server.port, hostKey: server.hostKey }, script, server.privateKey);
}
