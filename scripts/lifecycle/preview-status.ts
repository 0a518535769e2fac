import { z } from "zod";
import { UNKNOWN_SNAPSHOT_TIME } from "../../components/dokku/mysql/snapshot-time";

/** The stack output `databaseSource` values a preview's comment explains. */
export const PREVIEW_DATABASE_SOURCES = ["pool", "clone", "copy"] as const;

export function isPreviewDatabaseSource(value: string | undefined): value is (typeof PREVIEW_DATABASE_SOURCES)[number] {
  return (PREVIEW_DATABASE_SOURCES as readonly (string | undefined)[]).includes(value);
}

/** Where a preview stands; kept in its PR comment so the next CI run can read it back. */
export const previewStates = [
  "queued",
  "paused",
  "deploying",
  "ready",
  "failed",
  "destroying",
  "destroyed",
  "destroy-failed",
] as const;
export type PreviewState = (typeof previewStates)[number];

const isoTime = z.iso.datetime();
/** Only web links: a `javascript:` or `data:` URL must never become a link in a comment. */
const webUrl = z.url({ protocol: /^https?$/ });

/** Everything a preview comment shows, all of it structured: nothing here is copied from command output. */
export const previewStatusSchema = z.object({
  pr: z.number().int().positive(),
  state: z.enum(previewStates),
  /** The commit deployed or being deployed. */
  commit: z.string().regex(/^[0-9a-f]{7,64}$/).optional(),
  /**
   * A fork's head commit a maintainer approved by adding the `preview` label (the labelled event's head SHA). A fork's
   * preview deploys this commit only; a push clears it with the label.
   */
  approvedCommit: z.string().regex(/^[0-9a-f]{40}$/).optional(),
  /** The stack's `url` output. */
  url: webUrl.optional(),
  expiresAt: isoTime.optional(),
  /**
   * When the master snapshot the database was cloned from was taken (stack output `snapshotTakenAt`), or "unknown"
   * for a snapshot that recorded no time.
   */
  snapshotTakenAt: z.union([isoTime, z.literal(UNKNOWN_SNAPSHOT_TIME)]).optional(),
  /**
   * Where the preview's database came from (stack output `databaseSource`): a warm pool member, ready at once, a
   * direct clone of the snapshot because the pool was empty (Dokku), or a verified copy of the snapshot on the
   * previews' Forge server (Forge has no warm pool).
   */
  databaseSource: z.enum(PREVIEW_DATABASE_SOURCES).optional(),
  /** The lifecycle step that failed, in our words (`pulumi up`, `destroy`), never the tool's output. */
  failedStep: z.string().max(200).optional(),
  /** The CI run that did the work, for the logs. */
  runUrl: webUrl.optional(),
  /** PRs whose previews hold the places while this one waits. */
  holders: z.array(z.number().int().positive()).optional(),
  queuedAt: isoTime.optional(),
  pausedUntil: isoTime.optional(),
  /** Set when the reaper warned that the preview expires within a day. */
  expiryWarned: z.boolean().optional(),
  /** Resources left after a failed destroy. */
  remaining: z.number().int().nonnegative().optional(),
  /** How a reviewer gets past the preview's basic auth: the user, and where the password is kept (never the password). */
  access: z.object({ user: z.string().max(40), passwordKeptIn: z.string().max(200) }).optional(),
  /** The resource whose step failed (its logical name, as the engine reported it), for a failed up. */
  failedResource: z.string().max(200).optional(),
  /** The last lines of the failing step's log, every secret value replaced by `[secret]`. */
  logTail: z.string().max(4000).optional(),
  /** A short sentence of ours (why something happened). */
  note: z.string().max(500).optional(),
});
export type PreviewStatus = z.infer<typeof previewStatusSchema>;

/** Whether a stack's `url` output may be shown as the preview's link. */
export function isWebUrl(value: string): boolean {
  return webUrl.safeParse(value).success;
}
