import type * as pulumi from "@pulumi/pulumi";

/** What a dynamic resource looks like in state between two operations. */
export interface Stored<Out> {
  id: string;
  outs: Out;
}

type Provider<In, Out> = pulumi.dynamic.ResourceProvider<In, Out>;

/**
 * `pulumi up` for one resource, as the engine drives a dynamic provider: check (when the provider has one), then create,
 * or diff and update when the diff has changes. A replacement is the test's business: this throws rather than guess.
 */
export async function up<In, Out>(provider: Provider<In, Out>, stored: Stored<Out> | undefined, wanted: In): Promise<Stored<Out>> {
  let inputs = wanted;
  if (provider.check) {
    const checked = await provider.check((stored?.outs ?? wanted) as unknown as In, wanted);
    if ((checked.failures ?? []).length > 0) throw new Error(`check failed: ${JSON.stringify(checked.failures)}`);
    inputs = checked.inputs as In;
  }
  if (!stored) {
    const created = await provider.create!(inputs);
    return { id: created.id, outs: created.outs as Out };
  }
  const diff = await provider.diff!(stored.id, stored.outs, inputs);
  if (!diff.changes) return stored;
  if ((diff.replaces ?? []).length > 0) throw new Error(`the diff replaces ${diff.replaces!.join(", ")}`);
  const updated = await provider.update!(stored.id, stored.outs, inputs);
  return { id: stored.id, outs: updated.outs as Out };
}

/** `pulumi refresh` of one resource: the read result as the next state, or undefined when the provider says it is gone. */
export async function refresh<In, Out>(provider: Provider<In, Out>, stored: Stored<Out>): Promise<Stored<Out> | undefined> {
  const read = await provider.read!(stored.id, stored.outs);
  if (!read.id) return undefined;
  return { id: read.id, outs: read.props as Out };
}

/**
 * `pulumi destroy` of one resource as the engine does it: a resource with `retainOnDelete` leaves the stack without
 * its provider's delete being called (its data stays on the server); any other is deleted by its provider.
 */
export async function destroy<In, Out>(
  provider: Provider<In, Out>,
  stored: Stored<Out>,
  options: { retainOnDelete: boolean },
): Promise<"retained" | "deleted"> {
  if (options.retainOnDelete) return "retained";
  await provider.delete?.(stored.id, stored.outs);
  return "deleted";
}
