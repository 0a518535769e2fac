/**
 * A .env file Laravel's phpdotenv (v5) reads back as exactly these values. Hand-written because the npm dotenv
 * packages parse and do not write, and phpdotenv's quoting differs from theirs: every value is single-quoted (no
 * `${…}` interpolation), with `\` and `'` escaped. Keys in a stable order, so the same variables make the same file.
 */
export function dotenv(variables: Record<string, string>): string {
  const lines = Object.keys(variables)
    .sort()
    .map((key) => {
      if (!/^[A-Z_][A-Z0-9_]*$/.test(key)) throw new Error(`"${key}" cannot be a .env variable name: use A-Z, 0-9 and _`);
      return `${key}='${variables[key]!.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
    });
  return `${lines.join("\n")}\n`;
}

/**
 * The variables of a .env that `dotenv` wrote (the app contract reads a Forge site's planned .env with it). Only its
 * own format: every line `KEY='value'` with `\` and `'` escaped; anything else is refused rather than guessed at.
 */
export function parseDotenv(text: string): Record<string, string> {
  const variables: Record<string, string> = {};
  for (const [index, line] of text.split("\n").entries()) {
    if (line === "") continue;
    const match = /^([A-Z_][A-Z0-9_]*)='((?:[^'\\]|\\.)*)'$/.exec(line);
    // The line number only: a value may be a secret.
    if (!match) throw new Error(`line ${index + 1} of the .env is not one dotenv() writes (KEY='value')`);
    variables[match[1]!] = match[2]!.replace(/\\(.)/g, "$1");
  }
  return variables;
}
