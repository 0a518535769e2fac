import { appendFileSync } from "node:fs";

/**
 * Where `--event-log` sends engine events: newer CLIs (after 3.205) stream them over gRPC to `tcp://host:port`,
 * where the Automation API listens; older ones append JSON lines to a file. The double does both, as the CLI does.
 */
export class EventSink {
  private sequence = 0;
  private readonly pending: string[] = [];

  constructor(private readonly target: string | undefined) {}

  emit(event: Record<string, unknown>): void {
    if (!this.target) return;
    this.pending.push(JSON.stringify({ sequence: this.sequence++, timestamp: Math.floor(Date.now() / 1000), ...event }));
  }

  /** Delivers every event; resolves when the receiver has them all. */
  async close(): Promise<void> {
    if (!this.target) return;
    if (!this.target.startsWith("tcp://")) {
      for (const line of this.pending) appendFileSync(this.target, `${line}\n`);
      return;
    }
    // Loaded only here: most invocations stream no events, and gRPC is slow to load.
    const { credentials } = await import("@grpc/grpc-js");
    const { EventsClient } = await import("@pulumi/pulumi/proto/events_grpc_pb");
    const { EventRequest } = await import("@pulumi/pulumi/proto/events_pb");
    const client = new EventsClient(this.target.slice("tcp://".length), credentials.createInsecure());
    await new Promise<void>((resolve, reject) => {
      const call = client.streamEvents((error) => (error ? reject(error) : resolve()));
      for (const line of this.pending) call.write(new EventRequest().setEvent(line));
      call.end();
    });
    client.close();
  }
}
