import * as net from "node:net";

/** A loopback TCP proxy that delays every chunk, in both directions, by the same time, and counts connections. */
export interface LatencyProxy {
  port: number;
  /** Connections accepted since the start or the last resetConnections(): SSH connections, seen from outside. */
  connections(): number;
  resetConnections(): void;
  /** Drops every open connection at once, as a network failure would (new connections still work). */
  cut(): void;
  stop(): Promise<void>;
}

/**
 * Listens on a free loopback port and forwards each connection to 127.0.0.1:targetPort, holding every chunk for
 * `delayMs` in each direction (order preserved, ends included), so each round trip costs 2 × delayMs of wall time:
 * the benchmark can then count sequential round trips from elapsed time. With delayMs 0 it forwards without timers:
 * a plain connection counter.
 */
export function startLatencyProxy(targetPort: number, delayMs: number): Promise<LatencyProxy> {
  const sockets = new Set<net.Socket>();
  let accepted = 0;
  const server = net.createServer((client) => {
    accepted++;
    const upstream = net.connect(targetPort, "127.0.0.1");
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.setNoDelay(true);
      socket.on("close", () => sockets.delete(socket));
      socket.on("error", () => {
        client.destroy();
        upstream.destroy();
      });
    }
    if (delayMs === 0) {
      client.pipe(upstream);
      upstream.pipe(client);
    } else {
      relayWithDelay(client, upstream, delayMs);
      relayWithDelay(upstream, client, delayMs);
    }
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      resolve({
        port,
        connections: () => accepted,
        resetConnections: () => {
          accepted = 0;
        },
        cut: () => {
          for (const socket of sockets) socket.destroy();
        },
        stop: () =>
          new Promise<void>((done) => {
            for (const socket of sockets) socket.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}

/** Forwards `from` to `to`, each chunk (and the end) released delayMs after it arrived, in arrival order. */
function relayWithDelay(from: net.Socket, to: net.Socket, delayMs: number): void {
  const queue: { at: number; chunk: Buffer | "end" }[] = [];
  let timer: NodeJS.Timeout | undefined;
  const drain = () => {
    timer = undefined;
    const now = Date.now();
    while (queue.length > 0 && queue[0].at <= now) {
      const { chunk } = queue.shift() as { chunk: Buffer | "end" };
      if (to.destroyed) return;
      if (chunk === "end") to.end();
      else to.write(chunk);
    }
    if (queue.length > 0) timer = setTimeout(drain, queue[0].at - now);
  };
  const enqueue = (chunk: Buffer | "end") => {
    queue.push({ at: Date.now() + delayMs, chunk });
    timer ??= setTimeout(drain, delayMs);
  };
  from.on("data", (chunk: Buffer) => enqueue(chunk));
  from.on("end", () => enqueue("end"));
}

/**
 * Cuts the proxy's connections `afterMs` after the first one arrived (timed from there, so the cut always finds a
 * connection, however long the client took to open it). Call the answer when the operation ended: no cut comes after.
 */
export function cutAfterConnect(proxy: LatencyProxy, afterMs: number): () => Promise<void> {
  let ended = false;
  const cutter = (async () => {
    while (proxy.connections() === 0 && !ended) await new Promise((resolve) => setTimeout(resolve, 5));
    const deadline = Date.now() + afterMs;
    while (Date.now() < deadline && !ended) await new Promise((resolve) => setTimeout(resolve, Math.min(20, deadline - Date.now())));
    if (!ended) proxy.cut();
  })();
  return async () => {
    ended = true;
    await cutter;
  };
}
