import * as pulumi from "@pulumi/pulumi";

interface MarkerInputs {
  file: string;
  text: string;
}

/**
 * The smallest dynamic provider: a file on disk. Only `require` inside methods, as design.md's rules ask, so its
 * serialized closure is small and captures nothing.
 */
const markerProvider: pulumi.dynamic.ResourceProvider<MarkerInputs, MarkerInputs> = {
  async create(inputs) {
    require("node:fs").writeFileSync(inputs.file, inputs.text);
    return { id: inputs.file, outs: inputs };
  },
  async read(id, props) {
    const fs = require("node:fs") as typeof import("node:fs");
    if (!fs.existsSync(id)) return { id: "" };
    return { id, props: { file: id, text: fs.readFileSync(id, "utf8") } as MarkerInputs };
  },
  async delete(id) {
    require("node:fs").rmSync(id, { force: true });
  },
};

class Marker extends pulumi.dynamic.Resource {
  declare readonly text: pulumi.Output<string>;
  constructor(name: string, args: MarkerInputs) {
    super(markerProvider, name, { ...args }, undefined, "smoke", "Marker");
  }
}

/** An inline program: one marker file, its text exported. */
export function smokeProgram(file: string, text: string): () => Promise<Record<string, unknown>> {
  return async () => {
    const marker = new Marker("marker", { file, text });
    return { text: marker.text };
  };
}
