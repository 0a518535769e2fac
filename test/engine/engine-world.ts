import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { type FlagsmithDouble, startFlagsmithDouble } from "../doubles/flagsmith/server";
import { forgeProviderEnv } from "../doubles/forge/process-env";
import { type ForgeDouble, startForgeDouble } from "../doubles/forge/server";
import { loadStackSpec } from "../../infra/spec";
import { chooseStack } from "../../scripts/plan/choose-stack";
import { type DokkuServer, startDokkuServer } from "../support/dokku-server";
import { TEAM_FORGE } from "../support/team-values";

/** The outside world a stack reaches, all on loopback: Dokku (double behind real sshd), MariaDB, Redis, Flagsmith, Forge. */
export interface EngineWorld {
  dokku: DokkuServer;
  flagsmith: FlagsmithDouble;
  /** The Forge double (its organization and server), for stacks with `restant:runtime: forge`. */
  forge: ForgeDouble;
  /** Credentials and addresses the CLI's plugins read from their environment, as CI gives them. */
  env: Record<string, string>;
  /** `restant:*` config that points a stack at these servers instead of Pulumi.yaml's example hosts. */
  config: Record<string, string>;
  /** Runs a dokku command as an operator on the server would; throws when it fails. */
  operator(...args: string[]): Promise<string>;
  /**
   * Removes the stand-in "staging" Flagsmith environment (previews clone from it), so a staging stack can make its own;
   * returns what puts a stand-in back.
   */
  freeStagingFlagsmith(): () => void;
  stop(): Promise<void>;
}

/**
 * The Forge double's pace: Forge's 60 requests per window, with a 10 s window instead of a minute, and asynchronous work
 * (installing, deploying) that takes 100 ms, so a stack's life on Forge takes seconds. The double keeps the wall clock:
 * the providers run in the engine's plugin process and compare its X-RateLimit-Reset with their own clock.
 */
const FORGE_PACE = { rateWindowMs: 10_000, asyncMs: 100 };
/** The providers look every 25 ms and give up after 30 s (a loaded machine's engine is slow, the double is not). */
const FORGE_WAITS = { pollMs: 25, limitMs: 30_000 };

/** The shared services the platform stack makes, named as its spec names them (Pulumi.yaml's defaults, stacks/). */
function platformServices(): { snapshot: string; sharedRedis: string; ownRedis: string[] } {
  const chosen = chooseStack({ stack: "platform" });
  const spec = loadStackSpec(chosen.config, { stack: chosen.stack, origin: chosen.origin });
  if (spec.kind !== "platform") throw new Error(`stacks/Pulumi.platform.yaml is a ${spec.kind} stack`);
  return { snapshot: spec.snapshot.service, sharedRedis: spec.redis.service, ownRedis: spec.ownRedis.map((own) => own.service) };
}

/**
 * Starts the servers and what the platform stack and the server's admin would have left on them (the master snapshot,
 * the shared Redis service, Let's Encrypt's global e-mail, staging's Flagsmith environment), and an ssh-agent holding the Dokku key for
 * remote commands (the program never passes a key as an input).
 */
export async function startEngineWorld(): Promise<EngineWorld> {
  const dokku = await startDokkuServer();
  const flagsmith = await startFlagsmithDouble();
  const forge = await startForgeDouble(FORGE_PACE);
  const agent = await startAgent(dokku.privateKey);
  const operator = async (...args: string[]) => {
    const result = await dokku.operator(args);
    if (result.code !== 0) throw new Error(`dokku ${args.join(" ")} exited ${result.code}: ${result.stderr}`);
    return result.stdout;
  };
  try {
    const shared = platformServices();
    await operator("mysql:create", shared.snapshot);
    for (const redis of [shared.sharedRedis, ...shared.ownRedis]) await operator("redis:create", redis);
    // No server-wide Let's Encrypt e-mail: each stack sets restant:tls.email on its app (without any e-mail,
    // letsencrypt:enable refuses, as on a real server).
    flagsmith.state.createEnvironment(flagsmith.project, "staging");
  } catch (error) {
    agent.stop();
    await forge.stop();
    await flagsmith.stop();
    await dokku.stop();
    throw error;
  }
  const target = { host: dokku.host, port: dokku.port, user: "dokku", hostKey: dokku.hostKey, ipv4: "127.0.0.1" };
  return {
    dokku,
    flagsmith,
    forge,
    env: {
      ...forgeProviderEnv(forge, FORGE_WAITS),
      DOKKU_SSH_PRIVATE_KEY: dokku.privateKey,
      SSH_AUTH_SOCK: agent.socket,
      // No FLAGSMITH_API_URL: the Flagsmith resources reach the API at their apiUrl input (restant:flagsmith.apiUrl).
      FLAGSMITH_ADMIN_API_KEY: flagsmith.adminKey,
      FLAGSMITH_RETRY_WITHIN_MS: "5000",
    },
    config: {
      "restant:dokku": JSON.stringify(target),
      "restant:flagsmith": JSON.stringify({ project: flagsmith.project.id, apiUrl: flagsmith.url }),
      // Read only by stacks whose restant:runtime is forge.
      "restant:forge": JSON.stringify({ organization: forge.organization, serverId: forge.serverId, ipv4: TEAM_FORGE.ipv4 }),
    },
    operator,
    freeStagingFlagsmith: () => {
      const standIn = flagsmith.state.liveEnvironments(flagsmith.project.id).find((e) => e.name === "staging");
      if (standIn) flagsmith.state.deleteEnvironment(standIn);
      return () => void flagsmith.state.createEnvironment(flagsmith.project, "staging");
    },
    stop: async () => {
      agent.stop();
      await forge.stop();
      await flagsmith.stop();
      await dokku.stop();
    },
  };
}

/** `ssh-agent -D` on a socket of its own, loaded with the key: what CI's ssh-agent step gives `pulumi`. */
async function startAgent(privateKey: string): Promise<{ socket: string; stop(): void }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "engine-agent-"));
  const socket = path.join(dir, "agent.sock");
  const agent: ChildProcess = spawn("ssh-agent", ["-D", "-a", socket], { stdio: "ignore" });
  const stop = () => {
    agent.kill("SIGTERM");
    rmSync(dir, { recursive: true, force: true });
  };
  process.once("exit", stop);
  for (let tries = 0; !existsSync(socket); tries++) {
    if (tries > 100) {
      stop();
      throw new Error("ssh-agent did not start (is openssh-client installed? test/services/start.sh installs it)");
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const keyFile = path.join(dir, "key");
  writeFileSync(keyFile, privateKey, { mode: 0o600 });
  execFileSync("ssh-add", ["-q", keyFile], { env: { ...process.env, SSH_AUTH_SOCK: socket }, stdio: "pipe" });
  rmSync(keyFile);
  return { socket, stop };
}
