import * as net from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { LatencyProxy, startLatencyProxy } from "../support/latency-proxy";

let echo: net.Server | undefined;
let proxy: LatencyProxy | undefined;

afterEach(async () => {
  await proxy?.stop();
  await new Promise((resolve) => (echo ? echo.close(resolve) : resolve(undefined)));
});

function startEcho(): Promise<number> {
  echo = net.createServer((socket) => socket.pipe(socket));
  return new Promise((resolve) => echo?.listen(0, "127.0.0.1", () => resolve((echo?.address() as net.AddressInfo).port)));
}

function roundTrip(port: number, chunks: string[]): Promise<{ text: string; elapsedMs: number }> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const expected = chunks.join("");
    let text = "";
    const socket = net.connect(port, "127.0.0.1", () => {
      for (const chunk of chunks) socket.write(chunk);
    });
    socket.on("data", (data: Buffer) => {
      text += data.toString("utf8");
      if (text.length >= expected.length) {
        socket.end();
        resolve({ text, elapsedMs: Date.now() - started });
      }
    });
    socket.on("error", reject);
  });
}

describe("latency proxy", () => {
  it("delays each direction by the delay and keeps the bytes in order", async () => {
    proxy = await startLatencyProxy(await startEcho(), 80);
    const chunks = Array.from({ length: 50 }, (_, i) => `chunk-${i};`);
    const { text, elapsedMs } = await roundTrip(proxy.port, chunks);
    expect(text).toBe(chunks.join(""));
    expect(elapsedMs).toBeGreaterThanOrEqual(160);
  });

  it("cuts open connections on demand", async () => {
    proxy = await startLatencyProxy(await startEcho(), 0);
    const socket = net.connect(proxy.port, "127.0.0.1");
    await new Promise((resolve) => socket.once("connect", resolve));
    await new Promise((resolve) => setTimeout(resolve, 50));
    const closed = new Promise((resolve) => socket.once("close", resolve));
    socket.on("error", () => undefined);
    proxy.cut();
    await expect(closed).resolves.toBeDefined();
  });
});
