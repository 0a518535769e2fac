import type { StackEngine } from "./stack-engine";

/**
 * What a stack's tags say about its checks: `restant:verified` is the full SHA of the last commit whose check passed
 * (what a rollback goes back to), `restant:verified-commits` the 12-character prefixes of the recent ones, newest
 * first (what a promotion to production accepts from staging). Pulumi caps a tag value at 256 characters: 19 prefixes.
 */
export const VERIFIED_TAGS = { last: "restant:verified", recent: "restant:verified-commits" } as const;

const PREFIX = 12;
const KEPT = Math.floor(257 / (PREFIX + 1));

export async function recordVerified(engine: StackEngine, stack: string, sha: string): Promise<void> {
  const recent = [sha.slice(0, PREFIX), ...(await recentlyVerified(engine, stack)).filter((p) => p !== sha.slice(0, PREFIX))].slice(0, KEPT);
  await engine.setTags(stack, { [VERIFIED_TAGS.last]: sha, [VERIFIED_TAGS.recent]: recent.join(" ") });
}

export async function lastVerified(engine: StackEngine, stack: string): Promise<string | undefined> {
  const value = (await engine.tags(stack))[VERIFIED_TAGS.last];
  return value && /^[0-9a-f]{40}$/.test(value) ? value : undefined;
}

/** Prefixes of the stack's recently verified commits, newest first. */
export async function recentlyVerified(engine: StackEngine, stack: string): Promise<string[]> {
  return ((await engine.tags(stack))[VERIFIED_TAGS.recent] ?? "").split(" ").filter((p) => /^[0-9a-f]{12}$/.test(p));
}

export function isAmong(sha: string, prefixes: readonly string[]): boolean {
  return prefixes.includes(sha.slice(0, PREFIX));
}
