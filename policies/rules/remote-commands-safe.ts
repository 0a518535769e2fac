import type { ResourceValidationPolicy } from "@pulumi/policy";
import { isSecretAt, secretPathsOf } from "../plan-extras";
import { objectProp, stringProp } from "../props";
import { REMOTE_COMMAND } from "../resource-types";
import { SECRET_NAME } from "../../infra/secret-names";

const COMMAND_TEXTS = ["create", "update", "delete"] as const;

/**
 * What gives a secret away in a command's text even when the engine hides which inputs are secret: a secret-named
 * variable or a password option given a literal value (`APP_KEY=base64:…`, `--password=…`) rather than one read at
 * run time (`"$DB_PASSWORD"`, `$(cat)`).
 */
const LITERAL_SECRET = [
  new RegExp(`\\b[A-Z0-9_]*${SECRET_NAME.source}[A-Z0-9_]*=(?!["']?\\$)["']?[^\\s"'$]`),
  /--password[= ](?!["']?\$|-)["']?\S/,
  /\bbase64:[A-Za-z0-9+/]{40,}/,
];

/**
 * A remote.Command talks to a server over SSH and prints its command text when it fails: it must know the server it
 * talks to (pinned host key), must not hand the previous run's output (which may hold secrets) to the next, and must
 * take secrets on stdin, never in its text.
 */
export const remoteCommandsSafe: ResourceValidationPolicy = {
  name: "remote-commands-safe",
  description:
    "Every remote.Command pins connection.hostKey, sets addPreviousOutputInEnv: false, and keeps secrets out of its " +
    "create/update/delete text (secrets go on stdin).",
  enforcementLevel: "mandatory",
  validateResource: (args, reportViolation) => {
    if (args.type !== REMOTE_COMMAND) return;
    const hostKey = stringProp(objectProp(args.props, "connection") ?? {}, "hostKey");
    if (!hostKey) {
      reportViolation(
        `remote command "${args.name}" does not pin the server's host key, so it would talk to whoever answers: set ` +
          `connection.hostKey to the server's key (restant:dokku.hostKey).`,
      );
    }
    if (args.props.addPreviousOutputInEnv !== false) {
      reportViolation(
        `remote command "${args.name}" hands its previous stdout/stderr to the next run's environment (the default): set ` +
          `addPreviousOutputInEnv: false, as that output may hold secrets.`,
      );
    }
    const secretPaths = secretPathsOf(args);
    for (const field of COMMAND_TEXTS) {
      const text = stringProp(args.props, field);
      if (text === undefined) continue;
      // Only the field's name goes into the message: the text itself may be the secret.
      const secretInput = secretPaths !== undefined && isSecretAt(secretPaths, field);
      if (secretInput || LITERAL_SECRET.some((pattern) => pattern.test(text))) {
        reportViolation(
          `remote command "${args.name}" has a secret in its ${field} text, which a failing command prints: pass the ` +
            `secret on stdin (the command's stdin input) and read it there, never in the command line.`,
        );
      }
    }
  },
};
