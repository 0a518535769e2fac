import { describe, expect, it } from "vitest";
import { requireBuilt } from "../support/built";

type Script = typeof import("../../components/dokku/redis/redis-slot-script");
const { redisCliLine, evalLine, scriptReply, fullRangeMessage, CLAIM_SCRIPT } = requireBuilt<Script>("components/dokku/redis/redis-slot-script.ts");

describe("Redis slot scripts", () => {
  it("quotes every argument so redis-cli reads it back verbatim, on one line", () => {
    expect(redisCliLine(["SET", 'a"b\\c', "x\ny\tz", "é"])).toBe('"SET" "a\\"b\\\\c" "x\\ny\\tz" "\\xc3\\xa9"');
    const line = evalLine(CLAIM_SCRIPT, "restant:redis-slots", ["pr-7", 3, 31]);
    expect(line).not.toContain("\n");
    expect(line.startsWith('"EVAL" "')).toBe(true);
    expect(line.endsWith('"1" "restant:redis-slots" "pr-7" "3" "31"')).toBe(true);
  });

  it("takes the script's JSON reply and turns anything else into an error naming the step", () => {
    expect(scriptReply("Warning: Using a password\n{\"slot\":4,\"claimed\":true}\n", "claim")).toEqual({ slot: 4, claimed: true });
    expect(() => scriptReply("NOAUTH Authentication required.\n", "claiming")).toThrow(/claiming: Redis answered "NOAUTH/);
    expect(() => scriptReply("", "claiming")).toThrow(/no output/);
  });

  it("says which range is full and who holds each slot", () => {
    const message = fullRangeMessage({ first: 3, last: 5 }, { "5": "pr-9", "3": "pr-1", "4": "feature-x" }, "pr-12");
    expect(message).toContain("no free Redis slot for pr-12");
    expect(message).toContain("range 3-5");
    expect(message).toContain("3: pr-1, 4: feature-x, 5: pr-9");
    expect(message).toContain("restant:redis.claimRange");
  });
});
