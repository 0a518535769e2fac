import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startFlagsmithDouble, type FlagsmithDouble } from "../doubles/flagsmith/server";

// The double must refuse what Flagsmith refuses, or the provider tests prove nothing.

let double: FlagsmithDouble;
beforeEach(async () => {
  double = await startFlagsmithDouble();
});
afterEach(async () => double.stop());

async function call(method: string, path: string, body?: unknown, key: string | null = double.adminKey) {
  const headers: Record<string, string> = {};
  if (key !== null) headers.Authorization = `Api-Key ${key}`;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const response = await fetch(new URL(path, double.url), { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  const json = (response.headers.get("content-type") ?? "").startsWith("application/json");
  return { status: response.status, body: text && json ? (JSON.parse(text) as Record<string, unknown>) : undefined };
}

describe("the Flagsmith admin API double", () => {
  it("answers 401 without an Api-Key or with a wrong one, and never logs the key", async () => {
    expect(await call("GET", `environments/?project=${double.project.id}`, undefined, null)).toEqual({
      status: 401,
      body: { detail: "Authentication credentials were not provided." },
    });
    expect((await call("GET", `environments/?project=${double.project.id}`, undefined, "nope.nope")).status).toBe(401);
    const bearer = await fetch(new URL(`environments/?project=${double.project.id}`, double.url), { headers: { Authorization: `Bearer ${double.adminKey}` } });
    expect(bearer.status).toBe(401);
    expect(JSON.stringify(double.requests)).not.toContain(double.adminKey);
  });

  it("creates with 201, refuses a taken name with Flagsmith's 400, and an unknown project with 403", async () => {
    const created = await call("POST", "environments/", { name: "staging", project: double.project.id });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: "staging", project: double.project.id, api_key: expect.stringMatching(/^[A-Za-z0-9]{22}$/) });
    expect(await call("POST", "environments/", { name: "staging", project: double.project.id })).toEqual({
      status: 400,
      body: { non_field_errors: ["An environment with this name already exists."] },
    });
    expect((await call("POST", "environments/", { name: "x", project: 999 })).status).toBe(403);
    expect(await call("POST", "environments/", { project: double.project.id })).toEqual({ status: 400, body: { name: ["This field is required."] } });
    const plain = await fetch(new URL("environments/", double.url), { method: "POST", headers: { Authorization: `Api-Key ${double.adminKey}`, "Content-Type": "text/plain" }, body: "name=x" });
    expect(plain.status).toBe(415);
  });

  it("clones with 200, flags included, and like Flagsmith does not check the clone's name", async () => {
    const staging = double.state.createEnvironment(double.project, "staging");
    double.state.setFlag(staging.apiKey, "dark_mode", { enabled: true, value: "night" });
    const clone = await call("POST", `environments/${staging.apiKey}/clone/`, { name: "pr-1" });
    expect(clone.status).toBe(200);
    expect(Object.keys(clone.body!).sort()).toEqual(["api_key", "id", "name", "project"]);
    expect(double.state.flagsOf(clone.body!.api_key as string)).toEqual(double.state.flagsOf(staging.apiKey));
    expect((await call("POST", `environments/${staging.apiKey}/clone/`, { name: "pr-1" })).status).toBe(200);
    expect((await call("POST", "environments/missing/clone/", { name: "pr-2" })).status).toBe(404);
  });

  it("lists 10 a page with absolute next links, and 400 without a project", async () => {
    for (let i = 0; i < 23; i += 1) double.state.createEnvironment(double.project, `env-${i}`);
    const first = await call("GET", `environments/?project=${double.project.id}`);
    expect(first.body).toMatchObject({ count: 23, previous: null });
    expect((first.body!.results as unknown[]).length).toBe(10);
    const third = await call("GET", new URL(String((await call("GET", String(first.body!.next))).body!.next)).href);
    expect(third.body).toMatchObject({ next: null });
    expect((third.body!.results as unknown[]).length).toBe(3);
    expect((await call("GET", `environments/?project=${double.project.id}&page=4`)).status).toBe(404);
    expect(await call("GET", "environments/")).toEqual({ status: 400, body: ["Invalid or missing value for project parameter."] });
  });

  it("soft-deletes: the environment leaves every answer and frees its name, the row stays", async () => {
    const env = double.state.createEnvironment(double.project, "gone");
    expect((await call("DELETE", `environments/${env.apiKey}/`)).status).toBe(204);
    expect((await call("GET", `environments/${env.apiKey}/`)).status).toBe(404);
    expect((await call("GET", `environments/get-by-uuid/${env.uuid}/`)).status).toBe(404);
    expect((await call("DELETE", `environments/${env.apiKey}/`)).status).toBe(404);
    expect((await call("GET", `environments/?project=${double.project.id}`)).body).toMatchObject({ count: 0 });
    expect(double.state.allEnvironmentRows().find((row) => row.id === env.id)?.deletedAt).not.toBeNull();
    expect((await call("POST", "environments/", { name: "gone", project: double.project.id })).status).toBe(201);
  });

  it("makes ser. keys, lists them unpaginated, has no retrieve route, and answers 403 for a missing environment", async () => {
    const env = double.state.createEnvironment(double.project, "main");
    const created = await call("POST", `environments/${env.apiKey}/api-keys/`, { name: "app" });
    expect(created).toMatchObject({ status: 201, body: { name: "app", active: true, key: expect.stringMatching(/^ser\./) } });
    const list = await call("GET", `environments/${env.apiKey}/api-keys/`);
    expect(list.body).toEqual([created.body]);
    expect((await call("GET", `environments/${env.apiKey}/api-keys/${created.body!.id}/`)).status).toBe(405);
    expect((await call("PATCH", `environments/${env.apiKey}/api-keys/${created.body!.id}/`, { active: false })).body).toMatchObject({ active: false });
    expect((await call("DELETE", `environments/${env.apiKey}/api-keys/999/`)).status).toBe(404);
    expect((await call("GET", "environments/missing/api-keys/")).status).toBe(403);
  });

  it("injects 429 with Retry-After, 500 after doing the work, and hanging answers, and logs them", async () => {
    double.faults.add({ answer: 429, retryAfterSeconds: 7, method: "GET" });
    const throttled = await fetch(new URL(`environments/?project=${double.project.id}`, double.url), { headers: { Authorization: `Api-Key ${double.adminKey}` } });
    expect(throttled.status).toBe(429);
    expect(throttled.headers.get("retry-after")).toBe("7");
    double.faults.add({ answer: 500, afterApplying: true, method: "POST" });
    expect((await call("POST", "environments/", { name: "half", project: double.project.id })).status).toBe(500);
    expect(double.state.nameTaken(double.project.id, "half")).toBe(true);
    double.faults.add({ answer: "hang" });
    await expect(fetch(new URL("environments/", double.url), { signal: AbortSignal.timeout(200) })).rejects.toThrow();
    expect(double.requests.map((r) => [r.method, r.status, r.fault])).toEqual([
      ["GET", 429, true],
      ["POST", 500, true],
      ["GET", "hang", true],
    ]);
  });
});
