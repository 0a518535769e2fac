import { appsCommands } from "./apps";
import { configCommands } from "./config";
import { CommandHandler } from "./context";

/** Every subcommand the double implements; anything else is refused as Dokku refuses an unknown command. */
export const commands: Record<string, CommandHandler> = {
  ...appsCommands,
  ...configCommands,
};
