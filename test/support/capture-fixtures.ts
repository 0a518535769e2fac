import type * as pulumi from "@pulumi/pulumi";

// Fixtures for test/unit/serialization-harness.test.ts: two providers alike but for where they read a credential.
// Only tests load this module, after setting RESTANT_TEST_CAPTURED.

/** Read once, when the module loads: Pulumi's closure serializer copies the value into the provider's text. */
const TOKEN_AT_LOAD = process.env.RESTANT_TEST_CAPTURED ?? "";

/** The mistake design.md warns about: a credential read at module level ends up in state. */
export const providerCapturingAtLoad: pulumi.dynamic.ResourceProvider = {
  async create() {
    return { id: "x", outs: { authorized: TOKEN_AT_LOAD.length > 0 } };
  },
};

/** The rule: read the credential inside the method, from the environment of the process running it. */
export const providerReadingAtCall: pulumi.dynamic.ResourceProvider = {
  async create() {
    return { id: "x", outs: { authorized: (process.env.RESTANT_TEST_CAPTURED ?? "").length > 0 } };
  },
};
