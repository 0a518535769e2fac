import { DokkuFailure } from "../cli/failure";
import { CommandContext } from "./context";

/**
 * common.AskForDestructiveConfirmation: the warning, a `> ` prompt, then the name typed on stdin. With nothing on
 * stdin (a non-interactive SSH command) Go's Scanln fails and the command exits 1 with its error.
 */
export async function confirmDestruction(context: CommandContext, name: string, kind: string): Promise<void> {
  context.console.warn("WARNING: Potentially Destructive Action");
  context.console.warn(`This command will destroy ${kind} ${name}.`);
  context.console.warn(`To proceed, type "${name}"`);
  context.console.write("> ");
  const input = await context.stdin.text();
  const answer = input.split("\n")[0].trim();
  if (input === "") throw DokkuFailure.of("EOF");
  if (answer === "") throw DokkuFailure.of("unexpected newline");
  if (answer !== name) {
    const failure = new DokkuFailure([], 1);
    failure.raw = "Confirmation did not match test. Aborted.\n";
    throw failure;
  }
}
