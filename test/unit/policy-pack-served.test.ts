import { type ChildProcess, spawn } from "node:child_process";
import * as path from "node:path";
import * as grpc from "@grpc/grpc-js";
import * as analyzer from "@pulumi/pulumi/proto/analyzer_pb";
import { AnalyzerClient } from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EnvironmentSpec } from "../../infra/spec";
import { projectRoot } from "../support/built";
import { specFor } from "../support/policy-harness";

/** How the engine marks a secret on the wire (@pulumi/pulumi runtime/rpc specialSecretSig). */
const SECRET_SIG = { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270" };

/**
 * The pack as `pulumi preview --policy-pack policies` runs it: policies/index.ts started from policies/ (the engine's
 * policy host does the same), serving the analyzer protocol on the port it prints. The test speaks that protocol as
 * the engine does, so the pack is proven to construct, to describe its policies and to judge what the engine sends.
 */
describe("the policy pack served to the engine", () => {
  let pack: ChildProcess;
  let client: AnalyzerClient;

  beforeAll(async () => {
    pack = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", "index.ts"], {
      cwd: path.join(projectRoot, "policies"),
      stdio: ["ignore", "pipe", "pipe"],
    });
    const port = await new Promise<string>((resolve, reject) => {
      let errors = "";
      pack.stderr!.on("data", (chunk: Buffer) => (errors += chunk.toString()));
      pack.stdout!.once("data", (chunk: Buffer) => resolve(chunk.toString().trim()));
      pack.once("exit", (code) => reject(new Error(`policy pack exited ${code}: ${errors}`)));
    });
    client = new AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  });

  afterAll(() => {
    client?.close();
    pack?.kill();
  });

  it("describes every policy with its description and enforcement level", async () => {
    const info = await new Promise<analyzer.AnalyzerInfo>((resolve, reject) =>
      client.getAnalyzerInfo(new Empty(), (error, response) => (error ? reject(error) : resolve(response))),
    );
    expect(info.getName()).toBe("restant-guardrails");
    expect(info.getVersion()).toBe("0.1.0");
    const policies = Object.fromEntries(info.getPoliciesList().map((p) => [p.getName(), p.getEnforcementlevel()]));
    expect(policies).toMatchObject({
      "production-data-protected": analyzer.EnforcementLevel.MANDATORY,
      "previews-isolated": analyzer.EnforcementLevel.MANDATORY,
      "alerts-routed": analyzer.EnforcementLevel.ADVISORY,
    });
    expect(Object.keys(policies)).toHaveLength(8);
  });

  it("refuses an unprotected production database in a stack the engine sends", async () => {
    const production = specFor({ stack: "production" }) as EnvironmentSpec;
    const response = await analyzeStack([
      resource("restant:environment:TenantEnvironment", "restant", { spec: production }),
      resource("pulumi-nodejs:dynamic/dokku:MysqlService", "restant-db", { service: production.names.mysqlService }),
    ]);
    const mandatory = response
      .getDiagnosticsList()
      .filter((d) => d.getEnforcementlevel() === analyzer.EnforcementLevel.MANDATORY)
      .map((d) => [d.getPolicyname(), d.getMessage()]);
    // "protect" alone: the analyzer protocol carries no retainOnDelete (the offline plan checks both).
    expect(mandatory).toEqual([["production-data-protected", expect.stringMatching(/lacks protect:/)]]);
  });

  it("cannot see secrets: secrets-are-secret says it is not applicable, as README says", async () => {
    const request = new analyzer.AnalyzeRequest();
    request.setType("pulumi-nodejs:dynamic/dokku:App");
    request.setName("restant-app");
    request.setUrn("urn:pulumi:staging::restant::pulumi-nodejs:dynamic/dokku:App::restant-app");
    request.setProperties(Struct.fromJavaScript({ config: { ...SECRET_SIG, value: { APP_KEY: "base64:x" } } }));
    request.setOptions(new analyzer.AnalyzerResourceOptions());
    const response = await new Promise<analyzer.AnalyzeResponse>((resolve, reject) =>
      client.analyze(request, (error, answer) => (error ? reject(error) : resolve(answer))),
    );
    expect(response.getDiagnosticsList()).toEqual([]);
    expect(response.getNotApplicableList().map((n) => n.getPolicyName())).toContain("secrets-are-secret");
  });

  function analyzeStack(resources: analyzer.AnalyzerResource[]): Promise<analyzer.AnalyzeResponse> {
    const request = new analyzer.AnalyzeStackRequest();
    request.setResourcesList(resources);
    return new Promise((resolve, reject) => client.analyzeStack(request, (error, response) => (error ? reject(error) : resolve(response))));
  }
});

function resource(type: string, name: string, props: Record<string, unknown>): analyzer.AnalyzerResource {
  const r = new analyzer.AnalyzerResource();
  r.setType(type);
  r.setName(name);
  r.setUrn(`urn:pulumi:production::restant::${type}::${name}`);
  r.setProperties(Struct.fromJavaScript(JSON.parse(JSON.stringify(props)) as Record<string, never>));
  r.setOptions(new analyzer.AnalyzerResourceOptions());
  return r;
}
