import * as pulumi from "@pulumi/pulumi";
import requireFromString from "require-from-string";

/**
 * Serializes a dynamic provider exactly as `pulumi.dynamic.Resource` does (the closure serializer, secrets allowed)
 * and loads it back as Pulumi's dynamic-provider host does: `requireFromString(text).handler()`.
 * Load this module with requireBuilt() so the provider's closure is tsc output, not vitest's transform.
 */
export async function serializeProvider(provider: pulumi.dynamic.ResourceProvider): Promise<string> {
  const serialized = await pulumi.runtime.serializeFunction(() => provider, { allowSecrets: true });
  return serialized.text;
}

/** The provider as the engine's host would run it from the text stored in state. */
export function loadSerializedProvider(text: string): pulumi.dynamic.ResourceProvider {
  const module = requireFromString(text) as { handler: () => pulumi.dynamic.ResourceProvider };
  return module.handler();
}

/** Round trip: the provider the engine would run after `pulumi up` stored this one in state. */
export async function asPulumiHostRunsIt(provider: pulumi.dynamic.ResourceProvider): Promise<{
  text: string;
  provider: pulumi.dynamic.ResourceProvider;
}> {
  const text = await serializeProvider(provider);
  return { text, provider: loadSerializedProvider(text) };
}
