import { describe, expect, it } from "vitest";
import { parseDatabaseCount } from "../../components/forge/server/redis-on-server";

// What redis-cli prints for CONFIG GET databases, read before a slot is claimed on a Forge server's Redis. The real
// replies of a Redis with 64 and 16 databases and one that denies CONFIG by ACL are in the integration tier
// (test/integration/forge-preview-data.test.ts); a renamed CONFIG and a Redis that is not there are replies here.

const WHERE = "previews.forge.restant.app's Redis";

describe("the database count of a Forge server's Redis", () => {
  it("is the number redis-cli prints under databases", () => {
    expect(parseDatabaseCount("databases\n16\n", WHERE)).toBe(16);
    expect(parseDatabaseCount("databases\r\n32\r\n", WHERE)).toBe(32);
  });

  it("is refused, saying CONFIG is renamed or disabled, when redis.conf renames it", () => {
    const renamed = "ERR unknown command 'CONFIG', with args beginning with: 'GET' 'databases' \n";
    expect(() => parseDatabaseCount(renamed, WHERE)).toThrow(
      /could not read how many databases previews\.forge\.restant\.app's Redis has, which restant:redis\.claimRange must stay below: CONFIG GET databases answered "ERR unknown command 'CONFIG'.*"; CONFIG is renamed or disabled there \(a rename-command CONFIG line in redis\.conf/,
    );
  });

  it("is refused, asking whether Redis runs on that port, for any other answer", () => {
    expect(() => parseDatabaseCount("Could not connect to Redis at 127.0.0.1:6379: Connection refused\n", WHERE)).toThrow(
      /answered "Could not connect to Redis at 127\.0\.0\.1:6379: Connection refused"; is Redis running there on that port \(restant:forge\.previews\.redisPort\)\?/,
    );
    expect(() => parseDatabaseCount("", WHERE)).toThrow(/answered ""/);
    expect(() => parseDatabaseCount("databases\nmany\n", WHERE)).toThrow(/answered "databases\\nmany"/);
  });
});
