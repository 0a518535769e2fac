import { DokkuCommandError } from "./dokku-command-error";

/** `apps:create` of a name that exists: ` !     Name is already taken`, exit 1. */
export class DokkuNameTakenError extends DokkuCommandError {}
