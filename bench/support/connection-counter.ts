import * as net from "node:net";

/** A loopback TCP forwarder that counts the connections made through it: SSH connections, seen from outside the client. */
export interface ConnectionCounter {
  port: number;
  /** Connections accepted since the start or the last reset(). */
  count(): number;
  reset(): void;
  stop(): Promise<void>;
}

export function startConnectionCounter(targetPort: number): Promise<ConnectionCounter> {
  let accepted = 0;
  const sockets = new Set<net.Socket>();
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
    client.pipe(upstream);
    upstream.pipe(client);
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      resolve({
        port: (server.address() as net.AddressInfo).port,
        count: () => accepted,
        reset: () => {
          accepted = 0;
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
