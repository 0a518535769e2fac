import { appsCommands } from "./apps";
import { certsCommands } from "./certs";
import { configCommands } from "./config";
import { connectCommands } from "./connect";
import { CommandHandler } from "./context";
import { domainsCommands } from "./domains";
import { gitCommands } from "./git";
import { httpAuthCommands } from "./http-auth";
import { letsencryptCommands } from "./letsencrypt";
import { mysqlCommands } from "./mysql";
import { pluginCommands } from "./plugin";
import { psCommands } from "./ps";
import { redisCommands } from "./redis";

/** Every subcommand the double implements; anything else is refused as Dokku refuses an unknown command. */
export const commands: Record<string, CommandHandler> = {
  ...appsCommands,
  ...configCommands,
  ...domainsCommands,
  ...psCommands,
  ...gitCommands,
  ...letsencryptCommands,
  ...certsCommands,
  ...httpAuthCommands,
  ...mysqlCommands,
  ...redisCommands,
  ...connectCommands,
  ...pluginCommands,
};
