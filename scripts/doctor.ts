// `npm run doctor -- <stack>`: reads the stack's Dokku server over SSH and lists what this program needs that it
// lacks: Dokku's version, the plugins, the keys (the dokku user's and root's) and the Let's Encrypt e-mail. The key
// comes from DOKKU_SSH_PRIVATE_KEY or DOKKU_SSH_PRIVATE_KEY_PATH, as for `pulumi up`. Exit 0 all present, 1 something
// missing, 2 bad stack config, 64 bad command line.
import { withTargetSession } from "../components/dokku/client";
import { StackConfigError } from "../infra/config/problems";
import { loadStackSpec } from "../infra/spec";
import { chooseStack, UsageError } from "./plan/choose-stack";
import { checkServer, type Finding, renderFindings } from "./doctor/server-check";

async function main(argv: string[]): Promise<number> {
  if (argv.length !== 1 || argv[0]!.startsWith("-")) {
    process.stderr.write("usage: npm run doctor -- <stack>    a stack with a file in stacks/ (production, staging, platform)\n");
    return 64;
  }
  try {
    const chosen = chooseStack({ stack: argv[0] });
    const spec = loadStackSpec(chosen.config, { stack: chosen.stack, origin: chosen.origin });
    if (!spec.runtime || spec.runtime.kind !== "dokku") throw new UsageError(`stack ${chosen.stack} runs on no Dokku server`);
    const { host, port, user, hostKey } = spec.runtime.dokku;
    const platform = chooseStack({ stack: "platform" });
    const platformSpec = loadStackSpec(platform.config, { stack: "platform", origin: platform.origin });
    const email = platformSpec.kind === "platform" ? platformSpec.tls.email : undefined;

    const findings = await withTargetSession({ host, port, user, hostKey }, (dokku) => checkServer(dokku, email));
    findings.unshift({ check: `${user} key`, ok: true, found: "accepted" });
    findings.push(await rootKeyFinding({ host, port, hostKey }));
    process.stdout.write(`${renderFindings(`${user}@${host}:${port}`, findings)}\n`);
    return findings.every((f) => f.ok) ? 0 : 1;
  } catch (error) {
    if (error instanceof StackConfigError) {
      process.stderr.write(`${error.message}\n`);
      return 2;
    }
    if (error instanceof UsageError) {
      process.stderr.write(`doctor: ${error.message}\n`);
      return 64;
    }
    throw error;
  }
}

/** The platform's crons and the preview wildcard install log in as root: the same key must open a root shell. */
async function rootKeyFinding(target: { host: string; port: number; hostKey: string }): Promise<Finding> {
  try {
    await withTargetSession({ ...target, user: "root" }, (dokku) => dokku.run(["version"]));
    return { check: "root key", ok: true, found: "accepted" };
  } catch (error) {
    return {
      check: "root key",
      ok: false,
      found: `refused (${(error as Error).message.split("\n")[0]})`,
      fix: "add the same public key to /root/.ssh/authorized_keys (the snapshot refresh cron and the wildcard certificate run as root)",
    };
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`doctor failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
