import * as net from "node:net";

/** A TCP port free on loopback right now (the OS picks it); the caller binds it next, retrying on a rare race. */
export function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address() as net.AddressInfo;
      server.close(() => resolve(address.port));
    });
  });
}

/** Resolves once something accepts TCP connections on the port and sends its first bytes (sshd's banner). */
export async function waitForBanner(port: number, timeoutMs: number, stillRunning: () => boolean): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (!stillRunning()) throw new Error(`the server meant for port ${port} exited before listening`);
    const banner = await readBanner(port).catch(() => undefined);
    if (banner !== undefined) return banner;
    if (Date.now() > deadline) throw new Error(`nothing answered on 127.0.0.1:${port} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

function readBanner(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, "127.0.0.1");
    socket.setTimeout(1_000);
    socket.once("data", (data) => {
      socket.destroy();
      resolve(data.toString("utf8"));
    });
    socket.once("timeout", () => {
      socket.destroy();
      reject(new Error("no banner"));
    });
    socket.once("error", reject);
  });
}
