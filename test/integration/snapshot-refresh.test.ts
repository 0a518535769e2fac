import { Client } from "ssh2";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requireBuilt } from "../support/built";
import { type DokkuServer, startDokkuServer } from "../support/dokku-server";

type Scripts = typeof import("../../components/dokku/server/server-scripts");
type Snapshot = typeof import("../support/snapshot-data");
type MariaDb = typeof import("../doubles/dokku/services/mariadb");
type Store = typeof import("../doubles/dokku/state/store");

const { snapshotRefreshScript } = requireBuilt<Scripts>("components/dokku/server/server-scripts.ts");
const { loadSnapshot, databaseFingerprint } = requireBuilt<Snapshot>("test/support/snapshot-data.ts");
const { testMariaDb, runSql } = requireBuilt<MariaDb>("test/doubles/dokku/services/mariadb.ts");
const { StateStore } = requireBuilt<Store>("test/doubles/dokku/state/store.ts");

let server: DokkuServer;
const mariadb = () => testMariaDb() ?? (() => { throw new Error("run through test/services/start.sh"); })();
const databaseOf = (service: string) => new StateStore(server.stateDir).read().mysql[service]!.database;

/** Runs a shell script as root over SSH, the way the cron runs it on the server (script on stdin of `sh -s`). */
function runAsRoot(script: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const client = new Client();
    client.once("error", reject);
    client.once("ready", () => {
      client.exec("sh -s", (error, stream) => {
        if (error) return reject(error);
        let stdout = "";
        let stderr = "";
        stream.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")));
        stream.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
        stream.on("close", (code: number | null) => {
          client.end();
          resolve({ code: code ?? -1, stdout, stderr });
        });
        stream.end(script);
      });
    });
    const expected = server.hostKey.split(" ")[1];
    client.connect({
      host: server.host,
      port: server.port,
      username: "root",
      privateKey: server.privateKey,
      hostVerifier: (key: Buffer) => key.toString("base64") === expected,
    });
  });
}

const operator = async (...args: string[]) => {
  const result = await server.operator(args);
  if (result.code !== 0) throw new Error(`dokku ${args.join(" ")} exited ${result.code}: ${result.stderr}`);
};

beforeAll(async () => {
  server = await startDokkuServer();
  await operator("mysql:create", "restant-main");
  await operator("mysql:create", "restant-snapshot");
  await loadSnapshot(mariadb(), databaseOf("restant-main"), 0.05);
  // Last week's snapshot: a table production has since dropped, and old rows.
  await runSql(mariadb(), `USE \`${databaseOf("restant-snapshot")}\`; CREATE TABLE dropped_since (id INT PRIMARY KEY); CREATE TABLE tenants (id INT PRIMARY KEY); INSERT INTO tenants VALUES (999);`);
}, 120_000);

afterAll(async () => {
  await server?.stop();
});

describe("the weekly snapshot refresh script, run as root on the server", () => {
  it("replaces the snapshot with production's data, dropping what production no longer has", async () => {
    const result = await runAsRoot(snapshotRefreshScript({ source: "restant-main", snapshot: "restant-snapshot" }));
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/restant-snapshot refreshed from restant-main \(\d+ bytes\)/);
    const production = await databaseFingerprint(mariadb(), databaseOf("restant-main"));
    const snapshot = await databaseFingerprint(mariadb(), databaseOf("restant-snapshot"));
    expect(snapshot.sha256).toBe(production.sha256);
  });

  it("leaves the snapshot untouched when the export fails", async () => {
    const before = await databaseFingerprint(mariadb(), databaseOf("restant-snapshot"));
    const result = await runAsRoot(snapshotRefreshScript({ source: "restant-gone", snapshot: "restant-snapshot" }));
    expect(result.code).not.toBe(0);
    expect((await databaseFingerprint(mariadb(), databaseOf("restant-snapshot"))).sha256).toBe(before.sha256);
  });
});
