import type { Client } from "ssh2";
import { DokkuServer, startDokkuServer } from "../test/support/dokku-server";
import { connectToDokku, execOverSsh } from "../test/support/dokku-ssh";
import { startLatencyProxy } from "../test/support/latency-proxy";

/**
 * What the Dokku test server itself costs, so the provider's figures can be read against it: connection setup, one
 * dokku command on an open connection (the double is a Node process per command), parallel channels against sequential
 * commands, and how exactly the latency proxy adds its delay to a round trip.
 *
 *   npm run build && bash test/services/start.sh node build/bench/dokku-double.js
 */
export async function benchDokkuDouble(print: (line: string) => void = console.log): Promise<void> {
  const server = await startDokkuServer();
  try {
    await measure(server, print);
  } finally {
    await server.stop();
  }
}

async function measure(server: DokkuServer, print: (line: string) => void): Promise<void> {
  const connectStarted = performance.now();
  const client = await connect(server, server.port);
  const connectMs = performance.now() - connectStarted;
  try {
    await exec(client, "apps:create bench");
    const read = await timed(15, () => exec(client, "config:export --format json bench"));
    const write = await timed(15, () => exec(client, "config:set --no-restart bench K=v"));
    const sequential = await timed(5, async () => {
      for (let i = 0; i < 4; i++) await exec(client, "config:export --format json bench");
    });
    const parallel = await timed(5, () => Promise.all(Array.from({ length: 4 }, () => exec(client, "config:export --format json bench"))));

    const delayMs = 50;
    const proxy = await startLatencyProxy(server.port, delayMs);
    let proxied: number;
    try {
      const slow = await connect(server, proxy.port);
      try {
        proxied = await timed(10, () => exec(slow, "config:export --format json bench"));
      } finally {
        slow.end();
      }
    } finally {
      await proxy.stop();
    }

    print("Dokku test server (sshd + Dokku double), medians:");
    print(`  SSH connection setup (key auth, pinned host key)      ${connectMs.toFixed(0)} ms`);
    print(`  one read command on an open connection                ${read.toFixed(0)} ms`);
    print(`  one write command (locked state update)               ${write.toFixed(0)} ms`);
    print(`  4 reads one after another                             ${sequential.toFixed(0)} ms`);
    print(`  4 reads on parallel channels of one connection        ${parallel.toFixed(0)} ms`);
    // An exec on ssh2 costs two round trips before output: channel open, then the exec request (want-reply).
    const roundTrips = (proxied - read) / (2 * delayMs);
    print(`  one read through the latency proxy at ${delayMs} ms/direction   ${proxied.toFixed(0)} ms` +
      ` (adds ${(proxied - read).toFixed(0)} ms = ${roundTrips.toFixed(1)} round trips)`);
  } finally {
    client.end();
  }
}

async function timed(runs: number, action: () => Promise<unknown>): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await action();
    samples.push(performance.now() - started);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)];
}

const connect = (server: DokkuServer, port: number): Promise<Client> => connectToDokku(server, "dokku", { port });

async function exec(client: Client, command: string): Promise<void> {
  const result = await execOverSsh(client, command);
  if (result.code !== 0) throw new Error(`\`${command}\` exited ${result.code}: ${result.stderr}`);
}

if (require.main === module) {
  benchDokkuDouble().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
