import type { StackEngine, StackUpdate } from "./stack-engine";
import { parseUpdateMessage } from "./update-message";
import { isAmong, recentlyVerified } from "./verified-commits";

/** One deploy of a stack, as `npm run history` shows it. */
export interface DeployRecord {
  version: number;
  /** `deploy`, `promotion`, `rollback`, or `update` for an `up` the lifecycle did not run. */
  kind: string;
  commit: string | undefined;
  /** When the `up` started (ISO). */
  when: string;
  /** Who started it (from the update's message); undefined for an `up` by hand. */
  who: string | undefined;
  durationSeconds: number;
  /** The `up` itself. */
  result: string;
  /** The check from outside after it: passed, failed, or not run (a failed up). */
  check: "passed" | "failed" | "not run";
  /** A rollback came right after it, away from its commit. */
  rolledBack: boolean;
  /** A rollback: the commit it replaced. */
  from: string | undefined;
}

/**
 * The last `limit` deploys of a stack from its update history (commit from each update's `restant:commit`, kind and
 * actor from the lifecycle's message) and its tags (which commits passed their check). Refreshes and previews of the
 * history are left out; so are destroys.
 */
export async function deployHistory(engine: StackEngine, stack: string, limit: number): Promise<DeployRecord[]> {
  const updates = (await engine.history(stack)).filter((u) => u.kind === "update");
  const verified = await recentlyVerified(engine, stack);
  return updates.slice(0, limit).map((update, i) => recordOf(update, updates[i - 1], verified));
}

function recordOf(update: StackUpdate, newer: StackUpdate | undefined, verified: readonly string[]): DeployRecord {
  const message = parseUpdateMessage(update.message);
  const commit = update.config["restant:commit"] ?? message?.sha;
  const newerMessage = newer ? parseUpdateMessage(newer.message) : undefined;
  return {
    version: update.version,
    kind: message?.kind ?? "update",
    commit,
    when: update.startTime.toISOString(),
    who: message?.actor,
    durationSeconds: Math.max(0, Math.round((update.endTime.getTime() - update.startTime.getTime()) / 1000)),
    result: update.result,
    check: update.result !== "succeeded" ? "not run" : commit && isAmong(commit, verified) ? "passed" : "failed",
    rolledBack: newerMessage?.kind === "rollback" && commit !== undefined && newerMessage.from === commit,
    from: message?.from,
  };
}

/** A plain-text table, newest first. */
export function renderHistory(stack: string, records: readonly DeployRecord[]): string {
  if (records.length === 0) return `${stack}: no deploys yet\n`;
  const rows = records.map((r) => [
    String(r.version),
    r.when.replace("T", " ").replace(/\.\d+Z$/, "Z"),
    r.kind,
    r.commit?.slice(0, 12) ?? "?",
    r.who ?? "(by hand)",
    `${r.durationSeconds}s`,
    r.result,
    `check ${r.check}`,
    r.rolledBack ? "rolled back" : r.from ? `from ${r.from.slice(0, 12)}` : "",
  ]);
  const header = ["#", "when", "kind", "commit", "who", "took", "up", "check", ""];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join("  ").trimEnd();
  return `${stack}: last ${records.length} deploys, newest first\n${[line(header), ...rows.map(line)].join("\n")}\n`;
}
