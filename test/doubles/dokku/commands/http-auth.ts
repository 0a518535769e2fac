import { createHash } from "node:crypto";
import { DokkuFailure } from "../cli/failure";
import { printShellReport } from "../cli/shell-report";
import { existingAppFromShell } from "./app-rules";
import { CommandHandler } from "./context";

/** htpasswd keeps a hash, never the password; so does the double. */
function passwordHash(password: string): string {
  return createHash("sha256").update(password).digest("hex");
}

/** http-auth:enable app [user password] — the password can only be an argument, so callers must redact it. */
const enable: CommandHandler = async ({ args, store, console }) => {
  const [app, user, password] = args;
  await store.update((state) => {
    const target = existingAppFromShell(state, app);
    if (target.httpAuth.enabled) {
      console.info1("Authentication already enabled, use http-auth:add-user or http-auth:remove-user to modify users");
      return;
    }
    console.info1(`Enabling HTTP auth for ${app}...`);
    target.httpAuth.enabled = true;
    if (user && password) target.httpAuth.users[user] = passwordHash(password);
    else console.warn("Skipping user initialization");
    console.verbose("Done");
  });
};

const disable: CommandHandler = async ({ args, store, console }) => {
  await store.update((state) => {
    const target = existingAppFromShell(state, args[0]);
    if (!target.httpAuth.enabled) return console.info1("Authentication already disabled");
    console.info1(`Disabling HTTP auth for ${args[0]}...`);
    target.httpAuth.enabled = false;
    console.verbose("Done");
  });
};

const addUser: CommandHandler = async ({ args, store, console }) => {
  const [app, user, password] = args;
  await store.update((state) => {
    const target = existingAppFromShell(state, app);
    if (!target.httpAuth.enabled) throw DokkuFailure.of("Authentication is disabled");
    if (!user || !password) throw DokkuFailure.of("Missing username");
    console.info1(`Adding ${user} to basic auth list`);
    target.httpAuth.users[user] = passwordHash(password);
  });
};

const removeUser: CommandHandler = async ({ args, store, console }) => {
  const [app, user] = args;
  await store.update((state) => {
    const target = existingAppFromShell(state, app);
    if (!target.httpAuth.enabled) throw DokkuFailure.of("Authentication is disabled");
    if (!user) throw DokkuFailure.of("Missing username");
    console.info1(`Removing ${user} from basic auth list`);
    delete target.httpAuth.users[user];
  });
};

/** http-auth:report app [--http-auth-enabled…] — the plugin has no JSON format. */
const report: CommandHandler = ({ args, store, console }) => {
  const [app, infoFlag] = args;
  const target = existingAppFromShell(store.read(), app);
  const flags: [string, string][] = [
    ["--http-auth-enabled", String(target.httpAuth.enabled)],
    ["--http-auth-allowed-ips", target.httpAuth.allowedIps.join(" ")],
    ["--http-auth-users", Object.keys(target.httpAuth.users).sort().join(" ")],
  ];
  const match = printShellReport(console, flags, infoFlag, 30);
  if (!match) return;
  if (match[1] === "" && infoFlag !== "--http-auth-allowed-ips") throw DokkuFailure.of("not deployed");
  if (match[1] !== "") console.log(match[1]);
};

export const httpAuthCommands: Record<string, CommandHandler> = {
  "http-auth:enable": enable,
  "http-auth:disable": disable,
  "http-auth:add-user": addUser,
  "http-auth:remove-user": removeUser,
  "http-auth:report": report,
};
