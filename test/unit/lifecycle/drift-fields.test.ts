import type { EngineEvent } from "@pulumi/pulumi/automation";
import { describe, expect, it } from "vitest";
import { classifyDriftPreview } from "../../../scripts/lifecycle/engine-events";

const URN = "urn:pulumi:production::restant::restant:environment:TenantEnvironment$restant:runtime:DokkuRuntime$pulumi-nodejs:dynamic/dokku:App::restant-runtime-app";

/** A drifted dynamic resource as the engine reports it: an update step with no `diffs`/`detailedDiff` (the dynamic host sends none). */
function updateStep(outputs: Record<string, unknown>, inputs: Record<string, unknown>): EngineEvent {
  return {
    sequence: 1,
    timestamp: 0,
    resourcePreEvent: {
      metadata: {
        op: "update",
        urn: URN,
        type: "pulumi-nodejs:dynamic/dokku:App",
        provider: "",
        old: { type: "pulumi-nodejs:dynamic/dokku:App", urn: URN, custom: true, delete: false, id: "restant-main", parent: "", protect: false, retainOnDelete: false, inputs: {}, outputs, provider: "" },
        new: { type: "pulumi-nodejs:dynamic/dokku:App", urn: URN, custom: true, delete: false, id: "restant-main", parent: "", protect: false, retainOnDelete: false, inputs, outputs: {}, provider: "" },
      },
    },
  } as unknown as EngineEvent;
}

describe("drift fields of a dynamic resource (the engine names none)", () => {
  const base = { __provider: "exports.handler = …", appName: "restant-main", version: 2 };

  it("names the fields that differ between what the refresh read and what the program declares", () => {
    const outcome = classifyDriftPreview(false, [
      updateStep({ ...base, domains: ["restant.main.example.com", "evil.example.net"], scale: { web: 1, worker: 0 }, config: "[secret]" }, { ...base, domains: ["restant.main.example.com"], scale: { web: 1, worker: 1 }, config: "[secret]" }),
    ]);
    expect(outcome).toMatchObject({ kind: "drifted", resources: [{ op: "update", fields: [{ path: "domains", actual: ["restant.main.example.com", "evil.example.net"], declared: ["restant.main.example.com"] }, { path: "scale.worker", actual: 0, declared: 1 }] }] });
  });

  it("names a secret field as a whole when nothing else differs, never its values", () => {
    const outcome = classifyDriftPreview(false, [updateStep({ ...base, domains: ["a.example.com"], config: "[secret]" }, { ...base, domains: ["a.example.com"], config: "[secret]" })]);
    expect(outcome).toMatchObject({ kind: "drifted", resources: [{ fields: [{ path: "config", actual: "[secret]", declared: "[secret]" }] }] });
  });
});
