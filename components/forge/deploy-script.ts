import { shellWord } from "../dokku/server/shell-word";

export interface DeployScriptParts {
  /** Where the commit is fetched from: the branch, or a preview's `refs/pull/<n>/head`. */
  ref: string;
  /** The commit CI validated (`restant:commit`); without it the ref's head is deployed. */
  commit?: string;
  /** Lines the stack adds after the standard steps (`restant:forge.deployScript`). */
  additions: string[];
  /** Lines that back the database up before it migrates (backup-step.ts); none without backups. */
  backup?: string[];
}

/**
 * The site's deploy script: fetch the ref and check out exactly the commit CI validated (a deployment of the branch's
 * head could deploy code nobody checked), then Laravel's steps. Forge runs it with FORGE_SITE_PATH, FORGE_COMPOSER and
 * FORGE_PHP set. The ref and commit are data: each one shell word.
 */
export function deployScript(parts: DeployScriptParts): string {
  return [
    "#!/bin/bash",
    "set -euo pipefail",
    'cd "$FORGE_SITE_PATH"',
    `git fetch --force origin ${shellWord(parts.ref)}`,
    `git checkout --force --detach ${parts.commit === undefined ? "FETCH_HEAD" : shellWord(parts.commit)}`,
    '$FORGE_COMPOSER install --no-dev --no-interaction --prefer-dist --optimize-autoloader',
    ...(parts.backup ?? []),
    '$FORGE_PHP artisan migrate --force',
    '$FORGE_PHP artisan optimize',
    '$FORGE_PHP artisan queue:restart',
    ...parts.additions,
    "",
  ].join("\n");
}
