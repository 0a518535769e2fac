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
    .filter((c) => c.user !== "root" && !looks(c.argv))
    .map((c) => c.argv.join(" "));
}

/** `ps:scale <app>` without `type=count` arguments prints the scale; with them it changes it. */
function looks([subcommand = "", ...args]: string[]): boolean {
  if (subcommand === "ps:scale") return !args.some((arg) => /^[a-z0-9-]+=\d+$/.test(arg));
  return LOOKING.test(subcommand);
}
