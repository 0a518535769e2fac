import { describe, expect, it } from "vitest";
import { exampleValuesIn } from "../../infra/config/example-values";
import { parseStackConfig } from "../../infra/config/parse";
import { StackConfigError } from "../../infra/config/problems";
import { readStackConfig } from "../../infra/config/stack-files";

const staging = readStackConfig("staging");
const source = { stack: "staging", origin: "stacks/Pulumi.staging.yaml", files: staging.files };

function errorOf(raw: Record<string, string>): StackConfigError {
  try {
    parseStackConfig(raw, source);
  } catch (error) {
    expect(error).toBeInstanceOf(StackConfigError);
    return error as StackConfigError;
  }
  throw new Error("the config was accepted");
}

describe("where a config value came from", () => {
  it("reads each key's file: Pulumi.yaml's defaults, the stack file's own keys", () => {
    expect(staging.files["restant:zone"]).toBe("Pulumi.yaml");
    expect(staging.files["restant:kind"]).toBe("stacks/Pulumi.staging.yaml");
  });

  it("names Pulumi.yaml, not the stack file, for a bad value that lives in Pulumi.yaml", () => {
    const error = errorOf({ ...staging.config, "restant:dokku": JSON.stringify({ ...JSON.parse(staging.config["restant:dokku"]!), port: 0 }) });
    expect(error.problems).toEqual([expect.objectContaining({ key: "restant:dokku.port", file: "Pulumi.yaml" })]);
    expect(error.message).toMatch(/restant:dokku\.port: must be at least 1 .* \(in Pulumi\.yaml\)/);
  });

  it("refuses a key under a misspelt namespace, naming it, its file and the key meant", () => {
    const files = { ...staging.files, "restnt:branch": "stacks/Pulumi.staging.yaml", "Restant:zone": "stacks/Pulumi.staging.yaml" };
    try {
      parseStackConfig({ ...staging.config, "restnt:branch": "hotfix", "Restant:zone": "x.org", "cloudflare:apiToken": "t", "random:x": "1" }, { ...source, files });
      throw new Error("accepted");
    } catch (error) {
      expect(error).toBeInstanceOf(StackConfigError);
      const problems = (error as StackConfigError).problems;
      expect(problems.map((p) => p.key)).toEqual(["restnt:branch", "Restant:zone"]);
      expect(problems[0]!.message).toMatch(/"restnt" is not this program's namespace.*write restant:branch/);
    }
  });
});

describe("the shipped example values", () => {
  it("are each found in the shipped Pulumi.yaml, naming the key, the value and Pulumi.yaml", () => {
    const examples = exampleValuesIn(staging.config, source);
    expect(examples.map((e) => e.key)).toEqual([
      "restant:zone",
      "restant:zoneId",
      "restant:gitRepository",
      "restant:dokku.host",
      "restant:dokku.hostKey",
      "restant:dokku.ipv4",
      "restant:tls.email",
      "restant:flagsmith.apiUrl",
      "restant:grafana.oncallEmails.0",
      "restant:grafana.notifyEmails.0",
    ]);
    const ipv4 = examples.find((e) => e.key === "restant:dokku.ipv4")!;
    expect(ipv4).toMatchObject({ value: "203.0.113.10", file: "Pulumi.yaml" });
    expect(ipv4.message).toContain("replace the example value of restant:dokku.ipv4 in Pulumi.yaml");
  });

  it("are not found in real values, nor in the keys CI sets", () => {
    const real = {
      "restant:zone": "restant.app",
      "restant:dokku": JSON.stringify({ host: "95.216.10.20", ipv4: "95.216.10.20", hostKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGp0dBd1Zr3nQk7hJd8w2qXv9Ls4Tn6Yc1Rb5Ue0Wa3K" }),
      "restant:branch": "example.com",
      "restant:gitRepository": "https://github.com/examples-inc/restant.git",
    };
    expect(exampleValuesIn(real, source)).toEqual([]);
  });
});
