import { existsSync, readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import type { CloudRecord } from "../doubles/bridged-providers/cloud-file";
import type { EngineSession } from "./engine-session";

/** What the stand-in plugins hold in their cloud files, to check what a stack made and left. */
export function standInCloud(session: EngineSession) {
  const records = (plugin: string): Record<string, CloudRecord> => {
    const file = path.join(session.cloudDir, `${plugin}.json`);
    return existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as Record<string, CloudRecord>) : {};
  };
  const plugins = () => (existsSync(session.cloudDir) ? readdirSync(session.cloudDir).filter((f) => f.endsWith(".json")).map((f) => f.slice(0, -5)) : []);
  return {
    records,
    count: (plugin: string) => Object.keys(records(plugin)).length,
    total: () => plugins().reduce((sum, plugin) => sum + Object.keys(records(plugin)).length, 0),
    summary: () => Object.fromEntries(plugins().map((plugin) => [plugin, Object.values(records(plugin)).map((r) => r.type)])),
  };
}
