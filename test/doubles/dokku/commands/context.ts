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
  stdin: CommandStdin;
  env: NodeJS.ProcessEnv;
}

/** A command's stdin, read once to its end whichever way it is asked for. */
export interface CommandStdin {
  /** All of it as text (empty when nothing was sent). */
  text(): Promise<string>;
  /** All of it as bytes: a tar archive or a dump is binary. */
  bytes(): Promise<Buffer>;
  /** A terminal, nothing piped in: plugins that need data on stdin refuse. */
  isTerminal: boolean;
}

export type CommandHandler = (context: CommandContext) => Promise<void> | void;
