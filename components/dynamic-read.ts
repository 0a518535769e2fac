import type * as pulumi from "@pulumi/pulumi";

// Serialized into state with every provider that reads: plain functions, nothing captured.

/**
 * A read that found the resource: what is there now (`props`) and the inputs state keeps from now on (`inputs`: the
 * props without what only the provider reports), so `preview --refresh` holds the program's inputs against what is
 * really there. Pulumi's ReadResult types `inputs` as the outputs; the engine stores them as the resource's inputs.
 */
export function foundOnRead<Inputs, Outputs extends Inputs>(id: string, props: Outputs, inputs: Inputs): pulumi.dynamic.ReadResult<Outputs> {
  return { id, props, inputs: inputs as Outputs };
}

/** A read that found nothing: the empty id tells the engine the resource is gone. */
export function goneOnRead<Outputs>(): pulumi.dynamic.ReadResult<Outputs> {
  return { id: "" };
}

/**
 * The state a read works from (its target, the names it looks for). The engine always passes it, on refresh the
 * outputs and on import the inputs; `what` names the resource in the error should that ever change.
 */
export function stateForRead<Outputs>(props: Outputs | undefined, what: string): Outputs {
  if (props === undefined) throw new Error(`reading ${what} needs its state (the target and names it was made with)`);
  return props;
}
