// `npm run restore -- <stack> --backup <id> [--yes]`: restores one of the stack's verified backups (stack output
// `backup`, kept under restant:backup.directory on the server) into a NEW dokku-mysql service, verifies it (complete
// dump, as many tables as the backup), and only with --yes moves the app's link to it. The live database is never
// dropped or written: it stays, unlinked after a swap, until you remove it yourself. A swap sets restant:databaseService
// in the stack's file (commit it), so the next up links the restored service and keeps the old one. Logs in as root with the key in
// DOKKU_SSH_PRIVATE_KEY(_PATH). Exit codes: 0 restored (and swapped with --yes); 1 failed; 2 bad stack config or a
// stack without backups; 3 no such backup, or an incomplete one; 64 bad usage.
import { parseArgs } from "node:util";
import { StackConfigError } from "../infra/config/problems";
import { setStackFileValue } from "../infra/config/stack-files";
import { DATABASE_SERVICE_KEY, loadStackSpec } from "../infra/spec";
import { chooseStack } from "./plan/choose-stack";
import { BACKUP_ID, restoreScript } from "./restore/restore-script";
import { runAsRootOnServer } from "./restore/root-shell";

const USAGE = "usage: npm run restore -- <stack> --backup <id, e.g. 20261128T220000Z> [--yes]";

async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: { backup: { type: "string" }, yes: { type: "boolean" } } });
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${USAGE}\n`);
    return 64;
  }
  const [stack, ...extra] = parsed.positionals;
  const id = parsed.values.backup;
  if (!stack || extra.length > 0 || !id) {
    process.stderr.write(`${USAGE}\n`);
    return 64;
  }
  if (!BACKUP_ID.test(id)) {
    process.stderr.write(`restore: --backup ${JSON.stringify(id)} is not a backup id: ids look like 20261128T220000Z (the stack output backup.id)\n`);
    return 64;
  }
  let spec;
  try {
    const chosen = chooseStack({ stack });
    spec = loadStackSpec(chosen.config, { stack: chosen.stack, origin: chosen.origin });
  } catch (error) {
    if (error instanceof StackConfigError) {
      process.stderr.write(`${error.message}\n`);
      return 2;
    }
    throw error;
  }
  if (spec.kind === "platform" || !spec.backup || spec.runtime?.kind !== "dokku") {
    process.stderr.write(`restore: stack ${stack} keeps no Dokku backups (production always; staging with restant:backup.staging)\n`);
    return 2;
  }
  const { host, port, hostKey } = spec.runtime.dokku;
  const swap = parsed.values.yes === true;
  const script = restoreScript({ app: spec.names.app, live: spec.backup.service, own: spec.names.mysqlService, directory: spec.backup.directory, id, swap });
  const result = await runAsRootOnServer({ host, port, hostKey }, script);
  process.stderr.write(result.stderr);
  if (result.code !== 0) return result.code === 3 ? 3 : 1;
  process.stdout.write(result.stdout);
  if (swap) keepSwapInStackConfig(stack, result.stdout);
  return 0;
}

/**
 * The app now uses the restored service; the stack's config says so (restant:databaseService), or the next up would
 * link the old service again and silently undo the restore.
 */
function keepSwapInStackConfig(stack: string, stdout: string): void {
  const { service } = JSON.parse(stdout.trim().split("\n").pop() ?? "{}") as { service?: string };
  if (typeof service !== "string") throw new Error("the restore swapped but did not name the restored service; set restant:databaseService by hand");
  const file = setStackFileValue(stack, DATABASE_SERVICE_KEY, service);
  process.stderr.write(
    `restore: set ${DATABASE_SERVICE_KEY}: ${service} in ${file}; commit it before the next deploy, or that up links the old service again\n`,
  );
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`restore failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
