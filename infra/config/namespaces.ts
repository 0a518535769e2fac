import { distance } from "fastest-levenshtein";
import type { ConfigProblem } from "./problems";

const PROGRAM_NAMESPACE = "restant";

/** Edits (Levenshtein) within which another namespace is taken for a misspelt `restant`: restnt, resatnt, Restant. */
const MISSPELLING_DISTANCE = 2;

/**
 * Keys whose namespace looks like a misspelt `restant` (`restnt:branch`). The engine hands the program every key and
 * a key of another namespace belongs to a provider (`cloudflare:apiToken`), so it is left alone; but one that is
 * almost `restant` is a key the user meant for this program, which would otherwise be silently ignored.
 */
export function misspeltNamespaceProblems(keys: readonly string[]): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const key of keys) {
    const colon = key.indexOf(":");
    if (colon < 0) continue;
    const namespace = key.slice(0, colon);
    if (namespace === PROGRAM_NAMESPACE) continue;
    if (distance(namespace.toLowerCase(), PROGRAM_NAMESPACE) > MISSPELLING_DISTANCE) continue;
    const meant = `${PROGRAM_NAMESPACE}:${key.slice(colon + 1)}`;
    problems.push({
      key,
      message: `"${namespace}" is not this program's namespace, so the key would be ignored; write ${meant} ` +
        `(pulumi config rm ${key} && pulumi config set ${meant} …)`,
    });
  }
  return problems;
}
