import { randomBytes } from "node:crypto";

// Key shapes of Flagsmith: environment keys are shortuuid hashes (22 characters of a 57-letter alphabet), server-side
// keys the same behind `ser.`, organisation keys come from djangorestframework-api-key (`<prefix>.<secret>`).
const SHORTUUID_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

export function shortHash(length = 22): string {
  return [...randomBytes(length)].map((byte) => SHORTUUID_ALPHABET[byte % SHORTUUID_ALPHABET.length]).join("");
}

export function organisationApiKey(): string {
  return `${shortHash(8)}.${shortHash(32)}`;
}
