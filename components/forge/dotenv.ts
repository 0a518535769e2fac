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
