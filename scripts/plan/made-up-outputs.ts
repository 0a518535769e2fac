import { createHash } from "node:crypto";

/**
 * The values a provider would make for a resource, made up from its type and logical name: stable between runs and
 * never real secrets. One source for the offline plan's mocks and the engine tier's stand-in plugins of the
 * Terraform-bridged providers (test/doubles/bridged-providers/), so both show the same outputs for the same resource.
 */
export function madeUpOutputs(type: string, name: string): Record<string, unknown> {
  const digest = createHash("sha256").update(`${type}:${name}`).digest();
  switch (type) {
    case "random:index/randomBytes:RandomBytes":
      return { base64: digest.toString("base64"), hex: digest.toString("hex") };
    case "random:index/randomPassword:RandomPassword":
      return { result: `plan${digest.toString("hex").slice(0, 24)}` };
    case "sentry:index/sentryKey:SentryKey": {
      const [publicKey, secretKey] = [digest.toString("hex").slice(0, 32), digest.toString("hex").slice(32)];
      const dsn = `https://${publicKey}@sentry.example.invalid/4242`;
      return { public: publicKey, secret: secretKey, dsnPublic: dsn, dsnSecret: dsn.replace("@", `:${secretKey}@`), projectId: 4242 };
    }
    case "pulumi-nodejs:dynamic/flagsmith:Environment":
      return { apiKey: digest.toString("base64url").slice(0, 22), environmentId: digest.readUInt16BE(0) };
    case "pulumi-nodejs:dynamic/flagsmith:ServerKey":
      return { key: `ser.${digest.toString("base64url").slice(0, 30)}`, keyId: digest.readUInt16BE(2) };
    // Forge's ids are numbers it hands out as JSON:API strings.
    case "pulumi-nodejs:dynamic/forge:Site":
      return { siteId: String(100_000 + (digest.readUInt32BE(0) % 900_000)) };
    case "pulumi-nodejs:dynamic/forge:Database":
      return { databaseId: String(100_000 + (digest.readUInt32BE(0) % 900_000)) };
    case "pulumi-nodejs:dynamic/forge:DatabaseUser":
      return { userId: String(100_000 + (digest.readUInt32BE(0) % 900_000)) };
    default:
      return {};
  }
}
