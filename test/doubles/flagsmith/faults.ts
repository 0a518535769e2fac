/** A failure the double answers with instead of doing its work, for the next `times` matching requests. */
export interface Fault {
  /** 429 (with Retry-After), 500, 503…; or "hang": the answer never comes, the connection stays open. */
  answer: number | "hang";
  /** Seconds in the Retry-After header of a 429 or 503. Default: no header. */
  retryAfterSeconds?: number;
  /** True: the request is carried out first and the failure answered after, as when a proxy times out. Default false. */
  afterApplying?: boolean;
  /** How many matching requests fail. Default 1. */
  times?: number;
  /** Only requests with this method. Default any. */
  method?: string;
  /** Only requests whose path (and query) matches. Default any. */
  path?: RegExp;
}

/** Faults queued by a test, consumed in order by the requests they match. */
export class FaultPlan {
  private readonly queue: { fault: Fault; left: number }[] = [];

  add(fault: Fault): void {
    this.queue.push({ fault, left: fault.times ?? 1 });
  }

  clear(): void {
    this.queue.length = 0;
  }

  /** The fault this request meets, if any (and one fewer left of it). */
  take(method: string, path: string): Fault | undefined {
    const entry = this.queue.find(({ fault, left }) => left > 0 && (!fault.method || fault.method === method) && (!fault.path || fault.path.test(path)));
    if (!entry) return undefined;
    entry.left -= 1;
    return entry.fault;
  }
}
