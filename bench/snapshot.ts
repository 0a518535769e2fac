import { snapshotRefreshScript } from "../components/dokku/server/server-scripts";
import { loadMaskingRules } from "../infra/config/masking-rules";
import { testMariaDb, type MariaDbServer } from "../test/doubles/dokku/services/mariadb";
import { StateStore } from "../test/doubles/dokku/state/store";
import { type DokkuServer, startDokkuServer } from "../test/support/dokku-server";
import { runAsRoot } from "../test/support/root-shell";
import { databaseBytes, loadSnapshot } from "../test/support/snapshot-data";

/**
 * The snapshot refresh on real MariaDB behind the Dokku double, run as root over SSH as the cron runs it, for the
 * generated test snapshot: the masked refresh the platform installs
 * (export, load into a side database, check, mask, swap the tables in) beside a refresh without masking (export,
 * replace: what the refresh was before masking), and masking's added share.
 * Target: masking adds ≤ 30 %.
 *
 *   npm run bench   (or: npm run build && bash test/services/start.sh node build/bench/snapshot.js)
 */

const MB = 1024 * 1024;
const ROUNDS = 3;

function server(): MariaDbServer {
  const found = testMariaDb();
  if (!found) throw new Error("run through test/services/start.sh (npm run bench)");
  return found;
}

/** The refresh as it was before masking: export checked complete, snapshot emptied, export imported. */
const UNMASKED_REFRESH = `#!/bin/sh
set -eu
dump="$(mktemp /var/tmp/restant-bench.XXXXXX)"
trap 'rm -f "$dump"' EXIT
dokku mysql:export restant-main >"$dump"
tail -n 1 "$dump" | grep -q '^-- Dump completed'
dokku mysql:connect restant-snapshot >/dev/null <<'SQL'
SET FOREIGN_KEY_CHECKS = 0;
SET SESSION group_concat_max_len = 67108864;
SELECT GROUP_CONCAT(CONCAT('\`', table_name, '\`')) INTO @v FROM information_schema.tables WHERE table_schema = DATABASE() AND table_type = 'VIEW';
SET @q = IF(@v IS NULL, 'DO 0', CONCAT('DROP VIEW ', @v)); PREPARE s FROM @q; EXECUTE s; DEALLOCATE PREPARE s;
SELECT GROUP_CONCAT(CONCAT('\`', table_name, '\`')) INTO @t FROM information_schema.tables WHERE table_schema = DATABASE() AND table_type = 'BASE TABLE';
SET @q = IF(@t IS NULL, 'DO 0', CONCAT('DROP TABLE ', @t)); PREPARE s FROM @q; EXECUTE s; DEALLOCATE PREPARE s;
SQL
dokku mysql:import restant-snapshot <"$dump"
`;

async function timed(dokku: DokkuServer, script: string): Promise<number> {
  const started = Date.now();
  const result = await runAsRoot(dokku, script);
  if (result.code !== 0) throw new Error(`refresh failed (${result.code}): ${result.stderr}`);
  return Date.now() - started;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

export async function benchSnapshotMasking(print: (line: string) => void): Promise<boolean> {
  const dokku = await startDokkuServer();
  try {
    const operator = async (...args: string[]) => {
      const result = await dokku.operator(args);
      if (result.code !== 0) throw new Error(`dokku ${args.join(" ")} exited ${result.code}: ${result.stderr}`);
    };
    await operator("mysql:create", "restant-main");
    await operator("mysql:create", "restant-snapshot");
    const database = new StateStore(dokku.stateDir).read().mysql["restant-main"]!.database;
    await loadSnapshot(server(), database);
    const bytes = await databaseBytes(server(), database);
    const masked = snapshotRefreshScript({
      source: "restant-main",
      snapshot: "restant-snapshot",
      masking: loadMaskingRules("stacks/snapshot-masking.yaml", "platform"),
    });
    const plain: number[] = [];
    const withMasking: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      plain.push(await timed(dokku, UNMASKED_REFRESH));
      withMasking.push(await timed(dokku, masked));
    }
    const share = median(withMasking) / median(plain) - 1;
    print(`generated snapshot: ${(bytes / MB).toFixed(1)} MB of tables and indexes; median of ${ROUNDS} rounds each`);
    print(`refresh without masking (export, replace):                       ${(median(plain) / 1000).toFixed(2)} s`);
    print(`refresh with masking (export, load beside, check, mask, swap):    ${(median(withMasking) / 1000).toFixed(2)} s`);
    print(`masking adds ${(share * 100).toFixed(0)} % to a refresh (target ≤ 30 %)`);
    return share <= 0.3;
  } finally {
    await dokku.stop();
  }
}

if (require.main === module) {
  benchSnapshotMasking(console.log).then(
    (ok) => (process.exitCode = ok ? 0 : 1),
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
