import type { StackValidationPolicy } from "@pulumi/policy";
import { retainOnDeleteOf } from "../plan-extras";
import { DATABASE_TYPES } from "../resource-types";
import { environmentSpecOf } from "../stack-spec";

/**
 * Production's database must outlive any mistake: `protect` refuses a destroy or a replace, `retainOnDelete` keeps the
 * data if the resource is removed from the program or the stack is torn down anyway.
 */
export const productionDataProtected: StackValidationPolicy = {
  name: "production-data-protected",
  description:
    "In production, every database resource has protect and retainOnDelete, so no destroy, replace or removal drops its data; on Forge, branches and previews are not set to run on production's server.",
  enforcementLevel: "mandatory",
  validateStack: (args, reportViolation) => {
    const spec = environmentSpecOf(args.resources);
    if (spec?.kind !== "production") return;
    // On Forge production's MySQL and Redis answer every site of the server on 127.0.0.1 without a password.
    if (spec.runtime.kind === "forge" && spec.runtime.forge.previews?.serverId === spec.runtime.forge.serverId) {
      reportViolation(
        `production runs on Forge server ${spec.runtime.forge.serverId}, which restant:forge.previews also gives branches and previews: ` +
          "their code could read production's database and Redis there; give them a Forge server of their own (docs/forge.md).",
      );
    }
    for (const resource of args.resources) {
      if (!DATABASE_TYPES.has(resource.type)) continue;
      // The engine does not tell policies about retainOnDelete; the offline plan does (undefined = cannot tell).
      const missing = [
        resource.opts.protect ? undefined : "protect",
        retainOnDeleteOf(resource.opts) === false ? "retainOnDelete" : undefined,
      ].filter((option): option is string => option !== undefined);
      if (missing.length === 0) continue;
      reportViolation(
        `production database ${resource.type} "${resource.name}" lacks ${missing.join(" and ")}: ` +
          `declare it with { protect: true, retainOnDelete: true } in its component, so no pulumi destroy, ` +
          `replacement or removal from the program can drop production's data.`,
        resource.urn,
      );
    }
  },
};
