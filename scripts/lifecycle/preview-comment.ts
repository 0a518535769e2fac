import { UNKNOWN_SNAPSHOT_TIME } from "../../components/dokku/mysql/snapshot-time";
import { GITHUB_BODY_LIMIT } from "./github-api";
import { previewStatusSchema, type PreviewState, type PreviewStatus } from "./preview-status";

const MARKER = "restant:preview";
const MARKER_PATTERN = /<!-- restant:preview (\{.*?\}) -->/s;

const HEADLINES: Record<PreviewState, string> = {
  queued: "⏳ Waiting for a free place",
  paused: "⏸️ Preview automation paused",
  deploying: "🚧 Deploying",
  ready: "✅ Preview ready",
  failed: "❌ Preview failed",
  destroying: "🧹 Removing the preview",
  destroyed: "🗑️ Preview removed",
  "destroy-failed": "⚠️ Removing the preview failed; it is kept and will be retried",
};

/** What the comment says about where the preview's database came from. */
const DATABASE_SOURCES: Record<NonNullable<PreviewStatus["databaseSource"]>, string> = {
  pool: "a warm pool member (cloned from the masked snapshot ahead of time, ready at once)",
  clone: "cloned directly from the masked snapshot: the warm pool was empty",
  copy: "copied from the masked snapshot on the previews' Forge server and verified (Forge keeps no warm pool)",
};

/**
 * The body of a preview's one PR comment. Only fields of the status appear, and the status is stored in a hidden
 * marker so the next CI run reads the queue position, expiry and history back from the comment itself.
 */
export function renderPreviewComment(status: PreviewStatus, now: Date): string {
  const checked = previewStatusSchema.parse(status);
  const rows: Array<[string, string]> = [];
  if (checked.url) rows.push(["URL", checked.url]);
  if (checked.commit) rows.push(["Commit", `\`${checked.commit.slice(0, 12)}\``]);
  rows.push(["State", checked.state]);
  if (checked.access) rows.push(["Sign in", `user \`${checked.access.user}\`, password: ${checked.access.passwordKeptIn}`]);
  if (checked.databaseSource) rows.push(["Database", DATABASE_SOURCES[checked.databaseSource]]);
  if (checked.snapshotTakenAt) rows.push(["Database snapshot", snapshotAge(checked.snapshotTakenAt, now)]);
  if (checked.expiresAt) rows.push(["Expires", `${checked.expiresAt}${checked.expiryWarned ? " (within a day: comment `/update` to keep it)" : ""}`]);
  if (checked.failedStep) rows.push(["Failed step", checked.failedStep]);
  if (checked.failedResource) rows.push(["Failed resource", `\`${checked.failedResource}\``]);
  if (checked.remaining !== undefined) rows.push(["Resources left", String(checked.remaining)]);
  if (checked.holders?.length) rows.push(["Places held by", checked.holders.map((n) => `#${n}`).join(", ")]);
  if (checked.pausedUntil) rows.push(["Paused until", checked.pausedUntil]);
  if (checked.runUrl) rows.push(["CI run", `[logs](${checked.runUrl})`]);

  const lines = [
    `<!-- ${MARKER} ${markerJson(checked)} -->`,
    `### ${HEADLINES[checked.state]}`,
    "",
    "| | |",
    "|---|---|",
    ...rows.map(([k, v]) => `| ${k} | ${escapeCell(v)} |`),
  ];
  if (checked.note) lines.push("", escapeText(checked.note));
  if (checked.logTail) lines.push("", "<details><summary>The last lines of its log (secrets redacted)</summary>", "", fenced(checked.logTail), "", "</details>");
  lines.push("", "<sub>Commands (write access): `/preview`, `/update`, `/destroy`.</sub>");
  const body = lines.join("\n");
  if (body.length > GITHUB_BODY_LIMIT) throw new Error(`preview comment for #${checked.pr} is ${body.length} characters, over GitHub's limit`);
  return body;
}

/** The status a comment of ours holds, or undefined for any other comment. */
export function readPreviewStatus(body: string): PreviewStatus | undefined {
  const match = MARKER_PATTERN.exec(body);
  if (!match?.[1]) return undefined;
  try {
    const parsed = previewStatusSchema.safeParse(JSON.parse(match[1]));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** JSON that can never close the HTML comment it sits in: `<` and `>` become JSON escapes. */
function markerJson(status: PreviewStatus): string {
  return JSON.stringify(status).replace(/</g, "\\u003c").replace(/>/g, "\\u003e");
}

/** How old the preview's data is, or plainly that nobody knows (a snapshot refreshed before refreshes recorded it). */
function snapshotAge(takenAt: string, now: Date): string {
  if (takenAt === UNKNOWN_SNAPSHOT_TIME) return "taken at an unknown time (the snapshot predates recorded refresh times; the next weekly refresh records one)";
  return `${age(takenAt, now)} old (taken ${takenAt})`;
}

function age(iso: string, now: Date): string {
  const hours = Math.max(0, Math.floor((now.getTime() - Date.parse(iso)) / 3_600_000));
  return hours < 48 ? `${hours} h` : `${Math.floor(hours / 24)} days`;
}

function escapeCell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\r?\n/g, " ");
}

/** A code block no log line can close: the fence is longer than any run of backticks inside. */
function fenced(text: string): string {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = "`".repeat(longest + 1);
  return `${fence}text\n${text.replace(/<!--|-->/g, "")}\n${fence}`;
}

function escapeText(text: string): string {
  // Our own sentences, but never let one open an HTML comment that would swallow or fake the marker.
  return text.replace(/<!--|-->/g, "");
}
