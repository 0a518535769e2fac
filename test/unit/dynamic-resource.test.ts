import { describe, expect, it } from "vitest";
import { dynamicResourceOptions } from "../../components/dynamic-resource";

describe("dynamicResourceOptions", () => {
  const httpAuth = { module: "dokku", type: "HttpAuth", deleteBeforeReplace: true, secretOutputs: ["password"] };

  it("keeps the kind's secret outputs when a caller adds its own, and its deleteBeforeReplace when a caller says false", () => {
    const options = dynamicResourceOptions(httpAuth, { additionalSecretOutputs: ["enabled"], deleteBeforeReplace: false, protect: true });
    expect(options).toEqual({ additionalSecretOutputs: ["password", "enabled"], deleteBeforeReplace: true, protect: true });
  });

  it("lets a caller only strengthen: deleteBeforeReplace when either asks, no duplicate secret outputs", () => {
    const serverKey = { module: "flagsmith", type: "ServerKey", deleteBeforeReplace: false, secretOutputs: ["key"] };
    expect(dynamicResourceOptions(serverKey, { deleteBeforeReplace: true, additionalSecretOutputs: ["key"] })).toEqual({
      deleteBeforeReplace: true,
      additionalSecretOutputs: ["key"],
    });
    expect(dynamicResourceOptions({ ...serverKey, secretOutputs: [] })).toEqual({ deleteBeforeReplace: false });
  });
});
