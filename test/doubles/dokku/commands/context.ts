import { Console } from "../cli/console";
import { StateStore } from "../state/store";

/** What one dokku subcommand runs with. */
export interface CommandContext {
  /** The subcommand as typed, e.g. "config:set". */
  name: string;
  /** The arguments after it. */
  args: string[];
  store: StateStore;
  console: Console;
  /** All of stdin (empty when nothing was sent). */
  stdin(): Promise<string>;
  env: NodeJS.ProcessEnv;
}

export type CommandHandler = (context: CommandContext) => Promise<void> | void;
