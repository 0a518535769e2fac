import type { DokkuServer } from "../support/dokku-server";

/** Dokku subcommands that only look: reports, existence checks, config export, lists. */
const LOOKING = /^(?:[a-z-]+:(?:report|exists|export|list|info|links|linked|app-links)|config:get|version|help)$/;

/** The dokku commands the stack's providers sent since the last reset (not the operator's), as "sub arg…" lines. */
export function providerCommands(server: DokkuServer): string[] {
  return server
    .commands()
    .filter((c) => c.user !== "root")
    .map((c) => c.argv.join(" "));
}

/** The ones of them that change something on the server. */
export function mutatingCommands(server: DokkuServer): string[] {
  return server
    .commands()
    .filter((c) => c.user !== "root" && !LOOKING.test(c.argv[0] ?? ""))
    .map((c) => c.argv.join(" "));
}
