/** One resource the program registered, as the plan shows it and the tests and policies inspect it. */
export interface RecordedResource {
  urn: string;
  type: string;
  name: string;
  /** A custom resource (a provider manages it) rather than a component. */
  custom: boolean;
  /** URN of the parent, or undefined at the top. */
  parent: string | undefined;
  /** Inputs with every secret value replaced by "[secret]". */
  inputs: Record<string, unknown>;
  /** Inputs with secrets unwrapped: for tests that check where secret text travels. Never printed. */
  revealedInputs: Record<string, unknown>;
  /** Dotted paths of the inputs that are secret, e.g. "config.APP_KEY". */
  secretPaths: string[];
  options: {
    protect: boolean;
    retainOnDelete: boolean;
    deleteBeforeReplace: boolean;
    additionalSecretOutputs: string[];
    ignoreChanges: string[];
    dependsOn: string[];
  };
}

export const SECRET_MASK = "[secret]";
