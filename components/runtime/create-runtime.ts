import type * as pulumi from "@pulumi/pulumi";
import { DokkuRuntime } from "../dokku-runtime";
import { ForgeRuntime } from "../forge-runtime";
import type { EnvironmentRuntime, RuntimeArgs } from "./environment-runtime";

/**
 * The runtime `spec.runtime.kind` names, as a child `name` of `opts.parent`. Every runtime keeps the logical name it
 * is given, so the URNs of what it declares depend only on its own type token.
 */
export function createRuntime(name: string, args: RuntimeArgs, opts: pulumi.ComponentResourceOptions): EnvironmentRuntime {
  const { runtime } = args.spec;
  switch (runtime.kind) {
    case "dokku":
      return new DokkuRuntime(name, args, opts);
    case "forge":
      return new ForgeRuntime(name, args, opts);
  }
}
