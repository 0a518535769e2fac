/** Secrets shorter than this are not searched for: a 3-character value would match ordinary words. */
const MIN_SECRET_LENGTH = 4;

/** Raised instead of publishing text that holds a secret. Its message never holds the secret itself. */
export class SecretLeakError extends Error {
  constructor(where: string) {
    super(`refused to publish ${where}: it contains the value of a secret stack output`);
    this.name = "SecretLeakError";
  }
}

function searchable(secrets: readonly string[]): string[] {
  return [...new Set(secrets.filter((s) => s.length >= MIN_SECRET_LENGTH))].sort((a, b) => b.length - a.length);
}

/** The last pass before anything is posted to GitHub: refuses text that contains any secret value. */
export function assertNoSecrets(text: string, secrets: readonly string[], where: string): void {
  if (searchable(secrets).some((secret) => text.includes(secret))) throw new SecretLeakError(where);
}

/** Replaces every secret value in the text by `[secret]`, longest first so no tail of one survives. */
export function maskSecrets(text: string, secrets: readonly string[]): string {
  let masked = text;
  for (const secret of searchable(secrets)) masked = masked.split(secret).join("[secret]");
  return masked;
}
