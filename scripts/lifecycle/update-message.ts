/**
 * The message every `up` the lifecycle runs carries in the stack's history: what kind of step, which commit, who.
 * `npm run history` reads them back, so the one format lives here (written and parsed).
 *   restant deploy <sha> by <actor>
 *   restant promotion <sha> by <actor>
 *   restant rollback <sha> from <sha> by <actor>
 */
export type UpdateKind = "deploy" | "promotion" | "rollback";

export interface UpdateMessage {
  kind: UpdateKind;
  sha: string;
  actor: string;
  /** A rollback: the commit it replaced. */
  from?: string;
}

export function formatUpdateMessage(message: UpdateMessage): string {
  const from = message.from ? ` from ${message.from}` : "";
  return `restant ${message.kind} ${message.sha}${from} by ${message.actor}`;
}

const PATTERN = /^restant (deploy|promotion|rollback) ([0-9a-f]{40})(?: from ([0-9a-f]{40}))? by (\S+)$/;

/** Undefined for an update the lifecycle did not run (a person's `pulumi up`, an older script). */
export function parseUpdateMessage(text: string): UpdateMessage | undefined {
  const match = PATTERN.exec(text.trim());
  if (!match) return undefined;
  const [, kind, sha, from, actor] = match;
  return { kind: kind as UpdateKind, sha: sha!, actor: actor!, ...(from ? { from } : {}) };
}
