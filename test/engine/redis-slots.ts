import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";

/** The shared Redis's slot registry (database 0, slot → holder), read from the test Redis test/services/start.sh runs. */
export function slotHolders(registry = "restant:redis-slots"): Record<string, string> {
  const { RESTANT_TEST_REDIS_HOST: host, RESTANT_TEST_REDIS_PORT: port, RESTANT_TEST_REDIS_PASSWORD_FILE: passwordFile } = process.env;
  if (!host || !port || !passwordFile) throw new Error("run through test/services/start.sh (RESTANT_TEST_REDIS_* are not set)");
  const out = execFileSync("redis-cli", ["-h", host, "-p", port, "--raw", "HGETALL", registry], {
    encoding: "utf8",
    env: { ...process.env, REDISCLI_AUTH: readFileSync(passwordFile, "utf8").trim() },
  });
  // Slot numbers and holders (stack slugs) are plain words: one per line in --raw output.
  const values = out.split("\n").filter(Boolean);
  const holders: Record<string, string> = {};
  for (let i = 0; i + 1 < values.length; i += 2) holders[values[i]] = values[i + 1];
  return holders;
}
