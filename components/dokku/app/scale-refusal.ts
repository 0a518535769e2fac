import { isDokkuCommandError } from "../client/errors/command-errors";

/**
 * Dokku's ps:scale refusal of a process type the deployed code's Procfile lacks (`<type> is not a valid process name
 * to scale up`), as an error naming the resource's field and both ways out; undefined for any other error. The
 * provider does not quietly skip the type: state would then claim workers that never run.
 */
export function scaleRefusal(error: unknown, app: string): Error | undefined {
  if (!isDokkuCommandError(error) || error.subcommand !== "ps:scale") return undefined;
  const refused = error.messages.map((message) => /^(\S+) is not a valid process name to scale up$/.exec(message)?.[1]).find(Boolean);
  if (!refused) return undefined;
  return new Error(
    `scale.${refused}: the code deployed to Dokku app ${app} has no "${refused}" process in its Procfile, so Dokku refuses ` +
      `to run any; set scale.${refused} to 0 or add a "${refused}:" line to the Procfile. Nothing on the server was changed.`,
  );
}
