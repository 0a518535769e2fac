import { type EnvironmentNames, namesForSlug, slugForPullRequest } from "../../infra/names";

/**
 * The preview slug (`pr-7`) a server name belongs to, or undefined when it is not a preview's. The number is only a
 * guess taken from the name's last digits; the answer is the slug whose derived name (infra/names.ts) is exactly
 * this name, so production's, staging's and branches' names (a branch called `pr-7` gets a hashed slug) never match.
 */
export function previewSlugOwning(name: string, nameOf: (names: EnvironmentNames) => string): string | undefined {
  // The last run of digits: a PR's number ends the name, or comes before a fixed suffix (`names.queueWorker`).
  const digits = /(\d+)\D*$/.exec(name)?.[1];
  if (digits === undefined) return undefined;
  const pr = Number(digits);
  if (!Number.isSafeInteger(pr) || pr < 1) return undefined;
  const slug = slugForPullRequest(pr);
  return nameOf(namesForSlug(slug)) === name ? slug : undefined;
}
