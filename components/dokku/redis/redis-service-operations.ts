import type { DokkuRunner } from "../client/dokku-runner";
import { isAppMissing, isDokkuCommandError } from "../client/errors/command-errors";
import { parseConfigExport } from "../app/app-reports";

/**
 * A dokku-redis service and its links to apps, over the caller's Dokku session: shared by the service, slot and link
 * providers. Knows nothing of Pulumi.
 */

/** Whether the service exists (`redis:exists` fails with "… does not exist" otherwise). */
export async function redisServiceExists(dokku: DokkuRunner, service: string): Promise<boolean> {
  try {
    await dokku.run(["redis:exists", service]);
    return true;
  } catch (error) {
    if (isDokkuCommandError(error) && error.messages.some((m) => m.endsWith("does not exist"))) return false;
    throw error;
  }
}

/** The apps linked to the service. */
export async function redisLinks(dokku: DokkuRunner, service: string): Promise<string[]> {
  const { stdout } = await dokku.run(["redis:links", service]);
  return stdout.split("\n").map((line) => line.trim()).filter((line) => line !== "");
}

/** Links the service to the app (REDIS_URL, no DB index) unless it already is; no restart, a deploy follows. */
export async function linkRedis(dokku: DokkuRunner, service: string, app: string): Promise<void> {
  if ((await redisLinks(dokku, service)).includes(app)) return;
  await dokku.run(["redis:link", service, app, "--no-restart"]);
}

/**
 * Refuses an app (one made by hand before its stack: restant:adopt) whose REDIS_URL comes from another service:
 * dokku-redis would link this one under an alias variable and leave REDIS_URL pointing at the other, so the app would
 * silently keep using a Redis the stack does not declare.
 */
export async function refuseForeignRedisUrl(dokku: DokkuRunner, service: string, app: string): Promise<void> {
  if ((await redisLinks(dokku, service)).includes(app)) return;
  const { stdout } = await dokku.run(["config:export", "--format", "json", app]);
  if (parseConfigExport(stdout).REDIS_URL === undefined) return;
  throw new Error(
    `the app ${app} already has REDIS_URL from another Redis service, not from ${service}; move what that service holds ` +
      `and unlink it (dokku redis:unlink <service> ${app}) as docs/redis.md describes, then run the update again`,
  );
}

/** Unlinks the service from the app when both still know of the link; an app already gone is fine. */
export async function unlinkRedisIfLinked(dokku: DokkuRunner, service: string, app: string): Promise<void> {
  if (!(await redisLinks(dokku, service)).includes(app)) return;
  await dokku.run(["redis:unlink", service, app, "--no-restart"]).catch((error: unknown) => {
    if (!isAppMissing(error)) throw error;
  });
}
