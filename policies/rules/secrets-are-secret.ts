import type { ResourceValidationPolicy } from "@pulumi/policy";
import { isSecretAt, secretPathsOf } from "../plan-extras";
import { objectProp } from "../props";
import { APP_TYPES, APP_VARIABLES_TYPES, CONFIG_FILE_TYPES } from "../resource-types";
import { SECRET_NAME } from "../../infra/secret-names";

/** Config keys that name a secret: the one list (infra/secret-names.ts); test/unit/policies.test.ts pins its names. */
export const SECRET_KEY_NAME = SECRET_NAME;

/**
 * An app config value whose key names a secret must be a Pulumi secret input, or it lands in state, in plan output
 * and in `pulumi preview` diffs in plain text.
 */
export const secretsAreSecret: ResourceValidationPolicy = {
  name: "secrets-are-secret",
  description: "App config values whose keys name a secret (KEY, SECRET, PASSWORD, TOKEN, DSN) are Pulumi secret inputs.",
  enforcementLevel: "mandatory",
  validateResource: (args, reportViolation) => {
    if (CONFIG_FILE_TYPES.has(args.type)) {
      // A .env holds every variable in one text: the whole text is secret, or none of it is.
      const secretPaths = secretPathsOf(args);
      if (secretPaths === undefined) return args.notApplicable("the engine hides which inputs are secret; `npm run plan` checks this offline");
      if (!isSecretAt(secretPaths, "content")) {
        reportViolation(`the .env of "${args.name}" is plain text (input content), so the app's keys would land in state: wrap the rendered file with pulumi.secret() (components/forge-runtime.ts does).`);
      }
      return;
    }
    const input = APP_TYPES.has(args.type) ? "config" : APP_VARIABLES_TYPES.has(args.type) ? "variables" : undefined;
    if (input === undefined) return;
    // Asked first: the config itself is not known during a preview that creates the app's secrets, and reading it
    // would make the engine report this mandatory policy as "can't run during preview" instead.
    const secretPaths = secretPathsOf(args);
    if (secretPaths === undefined) {
      // @pulumi/policy unwraps secrets before validations run: under the engine this is checked by `npm run plan`.
      return args.notApplicable("the engine hides which inputs are secret; `npm run plan` checks this offline");
    }
    const config = objectProp(args.props, input);
    if (!config) return;
    for (const key of Object.keys(config)) {
      if (!SECRET_KEY_NAME.test(key) || isSecretAt(secretPaths, `${input}.${key}`)) continue;
      reportViolation(
        `app "${args.name}" sets ${input} ${key} as plain text, so its value would land in state and in every preview diff: ` +
          `wrap it with pulumi.secret() where the config is built (components/laravel-config.ts does for every ` +
          `secret-named key).`,
      );
    }
  },
};
