import { DokkuCommandError } from "./dokku-command-error";

/** Dokku exits 20 with ` !     App <app> does not exist` for a command on an app it does not have. */
export class DokkuAppMissingError extends DokkuCommandError {}
