import type * as pulumi from "@pulumi/pulumi";
import { madeUpOutputs } from "./made-up-outputs";

/**
 * What a provider would return for a resource, made up offline. Values are placeholders derived from the logical name
 * (stable between runs) and never real secrets; the plan masks the secret ones anyway.
 */
export const planMocks: pulumi.runtime.Mocks = {
  newResource(args) {
    return { id: `${args.name}-id`, state: { ...args.inputs, ...madeUpOutputs(args.type, args.name) } };
  },
  call() {
    return {};
  },
};
