import { randomBytes } from "node:crypto";
import type * as provider from "@pulumi/pulumi/provider";
import type { Client, ConnectConfig } from "ssh2";
import { parseHostKey } from "../../../components/dokku/client/host-key";
import { reveal, sameValue, urnParts } from "./wire-values";

type Props = Record<string, unknown>;

/** remote.Command's connection input (pulumi-command v1.2.1 `Connection`, without `proxy`, which this program never uses). */
interface Connection {
  host: string;
  port?: number;
  user?: string;
  password?: string;
  privateKey?: string;
  privateKeyPassword?: string;
  agentSocketPath?: string;
  dialErrorLimit?: number;
  perDialTimeout?: number;
  hostKey?: string;
}

interface CommandInputs {
  connection: Connection;
  environment?: Record<string, string>;
  triggers?: unknown[];
  create?: string;
  update?: string;
  delete?: string;
  stdin?: string;
  addPreviousOutputInEnv?: boolean;
  stdout?: string;
  stderr?: string;
}

const REMOTE_COMMAND = "command:remote:Command";

/**
 * A stand-in for the command provider's `remote.Command` (github.com/pulumi/pulumi-command/provider, which the Go proxy
 * here does not serve), following v1.2.1's semantics: a change of `triggers` replaces, any other input change updates;
 * create runs `create`; update runs `update`, else `create`; delete runs `delete` if set; no read (state is returned as
 * is); the command runs over SSH with the connection's defaults (user root, port 22, 10 dial attempts of 15 s, the
 * agent at SSH_AUTH_SOCK), the host key pinned when given, stdin and environment passed, PULUMI_COMMAND_STDOUT/STDERR
 * set unless `addPreviousOutputInEnv` is false, and a failed command reported as `<error>: running "<cmd>":\n<output>`.
 * It does not stream output to the engine (this program's commands all have `logging: "none"`).
 */
export class RemoteCommandStandIn implements provider.Provider {
  constructor(readonly version: string) {}

  async check(urn: string, _olds: Props, news: Props): Promise<provider.CheckResult> {
    const { type } = urnParts(urn);
    if (type !== REMOTE_COMMAND) return { failures: [{ property: "", reason: `the command stand-in implements ${REMOTE_COMMAND} only, not ${type}` }] };
    return { inputs: news };
  }

  async diff(_id: string, _urn: string, olds: Props, news: Props): Promise<provider.DiffResult> {
    const keys = new Set([...Object.keys(olds), ...Object.keys(news)].filter((key) => key !== "stdout" && key !== "stderr"));
    const changed = [...keys].filter((key) => !sameValue(olds[key], news[key]));
    return { changes: changed.length > 0, replaces: changed.filter((key) => key === "triggers") };
  }

  async create(urn: string, inputs: Props): Promise<provider.CreateResult> {
    const id = `${urnParts(urn).name}${randomBytes(4).toString("hex")}`;
    const plain = reveal(inputs) as CommandInputs;
    if (plain.create === undefined) return { id, outs: inputs };
    return { id, outs: { ...inputs, ...(await run(plain, plain.create)) } };
  }

  async update(_id: string, _urn: string, olds: Props, news: Props): Promise<provider.UpdateResult> {
    const plain = reveal(news) as CommandInputs;
    const previous = { stdout: olds.stdout, stderr: olds.stderr };
    const line = plain.update ?? plain.create;
    if (line === undefined) return { outs: { ...news, ...previous } };
    return { outs: { ...news, ...(await run({ ...plain, ...(reveal(previous) as Props) }, line)) } };
  }

  async delete(_id: string, _urn: string, props: Props): Promise<void> {
    const plain = reveal(props) as CommandInputs;
    if (plain.delete !== undefined) await run(plain, plain.delete);
  }
}

async function run(inputs: CommandInputs, line: string): Promise<{ stdout: string; stderr: string }> {
  const client = await dial(inputs.connection);
  try {
    const env: Record<string, string> = { ...inputs.environment };
    if (inputs.addPreviousOutputInEnv !== false) {
      if (inputs.stdout) env.PULUMI_COMMAND_STDOUT = inputs.stdout;
      if (inputs.stderr) env.PULUMI_COMMAND_STDERR = inputs.stderr;
    }
    return await execute(client, line, env, inputs.stdin);
  } finally {
    client.end();
  }
}

function execute(client: Client, line: string, env: Record<string, string>, stdin: string | undefined): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    client.exec(line, { env }, (error, channel) => {
      if (error) return reject(error);
      let stdout = "";
      let stderr = "";
      let both = "";
      channel.on("data", (chunk: Buffer) => {
        stdout += chunk.toString();
        both += chunk.toString();
      });
      channel.stderr.on("data", (chunk: Buffer) => {
        stderr += chunk.toString();
        both += chunk.toString();
      });
      channel.on("close", (code: number | null, signal?: string) => {
        if (code === 0) return resolve({ stdout: stdout.replace(/\n$/, ""), stderr: stderr.replace(/\n$/, "") });
        const status = code === null ? `Process exited without exit status or exit signal${signal ? ` (${signal})` : ""}` : `Process exited with status ${code}`;
        reject(new Error(`${status}: running ${JSON.stringify(line)}:\n${both}`));
      });
      if (stdin) channel.end(stdin);
      else channel.end();
    });
  });
}

/** Dials with the provider's retry budget: `dialErrorLimit` attempts (default 10, -1 unlimited) of `perDialTimeout` s. */
async function dial(connection: Connection): Promise<Client> {
  const limit = connection.dialErrorLimit ?? 10;
  for (let attempt = 1; ; attempt++) {
    try {
      return await connectOnce(connection);
    } catch (error) {
      if (limit !== -1 && attempt >= limit) throw new Error(`Dial: failed ${attempt} times: ${(error as Error).message}`);
      await new Promise((resolve) => setTimeout(resolve, Math.min(1000 * attempt, 5000)));
    }
  }
}

function connectOnce(connection: Connection): Promise<Client> {
  const { Client: SshClient } = require("ssh2") as typeof import("ssh2");
  const pinned = connection.hostKey ? parseHostKey(connection.hostKey) : undefined;
  const agent = connection.agentSocketPath ?? process.env.SSH_AUTH_SOCK;
  const timeout = connection.perDialTimeout ?? 15;
  const config: ConnectConfig = {
    host: connection.host,
    port: connection.port ?? 22,
    username: connection.user ?? "root",
    ...(connection.password !== undefined ? { password: connection.password } : {}),
    ...(connection.privateKey !== undefined ? { privateKey: connection.privateKey, passphrase: connection.privateKeyPassword } : {}),
    ...(agent ? { agent } : {}),
    ...(timeout > 0 ? { readyTimeout: timeout * 1000 } : {}),
    tryKeyboard: false,
    hostVerifier: (key: Buffer) => !pinned || key.equals(pinned.blob),
  };
  return new Promise((resolve, reject) => {
    const client = new SshClient();
    client.once("ready", () => resolve(client));
    client.once("error", (error: Error) => {
      client.end();
      reject(error);
    });
    client.connect(config);
  });
}
