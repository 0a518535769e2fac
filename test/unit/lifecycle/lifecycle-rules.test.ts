import fc from "fast-check";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { projectRoot } from "../../support/built";
import { depsFromEnv, refuseEmptyPassphrase, refuseMissingBackend } from "../../../scripts/lifecycle/cli-runtime";
import { renderDriftIssue } from "../../../scripts/lifecycle/drift-issue";
import { classifyDriftPreview } from "../../../scripts/lifecycle/engine-events";
import { deployTargetFromEvent, previewCommandFromEvent } from "../../../scripts/lifecycle/github-event";
import { readPreviewStatus, renderPreviewComment } from "../../../scripts/lifecycle/preview-comment";
import { mayTakePlace } from "../../../scripts/lifecycle/preview-queue";
import { assertNoSecrets, maskSecrets, SecretLeakError } from "../../../scripts/lifecycle/secret-guard";
import { settingsFromEnv } from "../../../scripts/lifecycle/settings";
import type { DriftedResource } from "../../../scripts/lifecycle/stack-engine";

const comment = (body: string, extra: Record<string, unknown> = {}) => ({
  action: "created",
  issue: { number: 7, pull_request: { url: "x" } },
  comment: { body, user: { login: "dev", type: "User" } },
  ...extra,
});
const pull = (action: string, extra: Record<string, unknown> = {}) => ({
  action,
  number: 7,
  sender: { login: "dev" },
  pull_request: { head: { sha: "abc1234" }, labels: [] },
  ...extra,
});

describe("reading the event", () => {
  it("takes only a command alone on the first line of a new PR comment by a person", () => {
    expect(previewCommandFromEvent("issue_comment", comment("/preview"), "preview")).toEqual({ kind: "create", pr: 7, actor: "dev", trigger: "comment" });
    expect(previewCommandFromEvent("issue_comment", comment("/update\nplease"), "preview")).toMatchObject({ kind: "update" });
    expect(previewCommandFromEvent("issue_comment", comment("/destroy "), "preview")).toMatchObject({ kind: "destroy" });
    for (const body of ["please /preview", "/previews", "/Preview", "", "`/preview`"]) {
      expect(previewCommandFromEvent("issue_comment", comment(body), "preview").kind, body).toBe("ignore");
    }
    expect(previewCommandFromEvent("issue_comment", { ...comment("/preview"), action: "edited" }, "preview").kind).toBe("ignore");
    expect(previewCommandFromEvent("issue_comment", { ...comment("/preview"), issue: { number: 7 } }, "preview").kind).toBe("ignore");
    expect(previewCommandFromEvent("issue_comment", comment("/preview", { comment: { body: "/preview", user: { login: "bot", type: "Bot" } } }), "preview").kind).toBe("ignore");
  });

  it("maps pull request events: the preview label, pushes with their commit, closing, reopening a labelled PR", () => {
    expect(previewCommandFromEvent("pull_request_target", pull("labeled", { label: { name: "preview" } }), "preview")).toEqual({ kind: "create", pr: 7, actor: "dev", trigger: "label", sha: "abc1234" });
    expect(previewCommandFromEvent("pull_request_target", pull("labeled", { label: { name: "bug" } }), "preview").kind).toBe("ignore");
    expect(previewCommandFromEvent("pull_request_target", pull("synchronize"), "preview")).toEqual({ kind: "update", pr: 7, actor: "dev", trigger: "push", sha: "abc1234" });
    expect(previewCommandFromEvent("pull_request_target", pull("closed"), "preview")).toMatchObject({ kind: "destroy", trigger: "close" });
    expect(previewCommandFromEvent("pull_request_target", pull("reopened"), "preview").kind).toBe("ignore");
    const labelled = pull("reopened", { pull_request: { head: { sha: "abc1234" }, labels: [{ name: "preview" }] } });
    expect(previewCommandFromEvent("pull_request_target", labelled, "preview")).toMatchObject({ kind: "create", trigger: "reopen" });
    expect(previewCommandFromEvent("workflow_dispatch", { inputs: { pr: "12", action: "destroy" }, sender: { login: "dev" } }, "preview")).toEqual({ kind: "destroy", pr: 12, actor: "dev", trigger: "dispatch" });
    expect(() => previewCommandFromEvent("workflow_dispatch", { inputs: { pr: "x" }, sender: { login: "dev" } }, "preview")).toThrow();
    expect(previewCommandFromEvent("push", {}, "preview").kind).toBe("ignore");
  });

  it("maps the app repository's forwarded events in the platform layout, and only there", () => {
    const platform = { appRepository: "restant-hq/restant", botLogin: "restant-previews" };
    const sha = "a".repeat(40);
    const forwarded = (payload: Record<string, unknown>) => ({ action: "restant-app-pull-request", client_payload: payload });
    const pullRequest = (action: string, more: Record<string, unknown> = {}) =>
      forwarded({ pr: 9, action, head_sha: sha, head_ref: "feat/x", fork: false, author: "ann", sender: "dev", labels: [], ...more });
    const command = (name: string, event: unknown) => previewCommandFromEvent(name, event, "preview", platform);
    expect(command("repository_dispatch", pullRequest("labeled", { label: "preview" }))).toEqual({ kind: "create", pr: 9, actor: "dev", trigger: "label", sha, fork: false });
    expect(command("repository_dispatch", pullRequest("synchronize", { fork: true }))).toEqual({ kind: "update", pr: 9, actor: "dev", trigger: "push", sha, fork: true });
    expect(command("repository_dispatch", pullRequest("closed"))).toEqual({ kind: "destroy", pr: 9, actor: "dev", trigger: "close" });
    expect(command("repository_dispatch", pullRequest("reopened")).kind).toBe("ignore");
    expect(command("repository_dispatch", pullRequest("reopened", { labels: ["preview"] }))).toMatchObject({ kind: "create", trigger: "reopen" });
    expect(command("repository_dispatch", pullRequest("opened")).kind).toBe("ignore");
    expect(command("repository_dispatch", pullRequest("labeled", { label: "preview", sender: "restant-previews" }))).toMatchObject({ kind: "ignore", reason: expect.stringMatching(/this automation/) });
    const comment = (more: Record<string, unknown>) => forwarded({ pr: 9, action: "command", sender: "dev", sender_type: "User", ...more });
    expect(command("repository_dispatch", comment({ command: "update" }))).toEqual({ kind: "update", pr: 9, actor: "dev", trigger: "comment" });
    expect(command("repository_dispatch", comment({})).kind).toBe("ignore");
    expect(command("repository_dispatch", comment({ command: "preview", sender_type: "Bot" })).kind).toBe("ignore");
    // Every problem of a payload at once, each naming its field; the stack when the PR number is good.
    expect(() => command("repository_dispatch", pullRequest("synchronize", { head_sha: sha.toUpperCase(), fork: "no", sender: "" }))).toThrow(
      /stack "pr-9" has 3 config problems \(the restant-app-pull-request dispatch from restant-hq\/restant\):\n  - client_payload.head_sha: .*\n  - client_payload.fork: .*got "no"\n  - client_payload.sender: /,
    );
    expect(() => command("repository_dispatch", forwarded({ pr: "9", action: "command", sender: "dev" }))).toThrow(/client_payload.pr: must be the pull request's number/);
    expect(() => command("repository_dispatch", forwarded({ pr: 9, action: "edited", sender: "dev" }))).toThrow(/client_payload.action: must be one of/);
    expect(() => command("repository_dispatch", { action: "restant-app-pull-request", client_payload: null })).toThrow(/client_payload: must be an object/);
    expect(command("repository_dispatch", { action: "something-else", client_payload: {} }).kind).toBe("ignore");
    // Without the platform layout no dispatch commands previews; with it, this repository's own PRs get none.
    expect(previewCommandFromEvent("repository_dispatch", pullRequest("synchronize"), "preview").kind).toBe("ignore");
    expect(command("pull_request_target", pull("synchronize"))).toMatchObject({ kind: "ignore", reason: expect.stringMatching(/restant-hq\/restant's pull requests/) });
    expect(command("workflow_dispatch", { inputs: { pr: "9" }, sender: { login: "dev" } })).toMatchObject({ kind: "create", pr: 9, trigger: "dispatch" });
  });

  it("maps pushes to branch deploys, skipping deleted branches and tags", () => {
    expect(deployTargetFromEvent("push", { ref: "refs/heads/release/2026", after: "abc" }, {})).toEqual({ kind: "deploy", branch: "release/2026", sha: "abc" });
    expect(deployTargetFromEvent("push", { ref: "refs/heads/x", after: "0", deleted: true }, {}).kind).toBe("ignore");
    expect(deployTargetFromEvent("push", { ref: "refs/tags/v1", after: "abc" }, {}).kind).toBe("ignore");
    // Production's dispatch promotes staging's last verified commit, or the commit given; others deploy the ref's head.
    expect(deployTargetFromEvent("workflow_dispatch", {}, { GITHUB_REF_NAME: "main", GITHUB_SHA: "def" })).toEqual({ kind: "deploy", branch: "main", sha: "def", stagingVerified: true });
    expect(deployTargetFromEvent("workflow_dispatch", { inputs: { commit: " abc " } }, { GITHUB_REF_NAME: "main", GITHUB_SHA: "def" })).toEqual({ kind: "deploy", branch: "main", sha: "abc" });
    expect(deployTargetFromEvent("workflow_dispatch", { inputs: { commit: "" } }, { GITHUB_REF_NAME: "staging", GITHUB_SHA: "def" })).toEqual({ kind: "deploy", branch: "staging", sha: "def" });
  });

  it("deploys the commit the app repository's dispatch names, refuses a short SHA, and ignores pushes in the platform layout", () => {
    const platform = { RESTANT_APP_REPOSITORY: "restant-hq/restant" };
    const dispatch = (payload: unknown) => ({ action: "restant-app-validated", client_payload: payload });
    expect(deployTargetFromEvent("repository_dispatch", dispatch({ branch: "main", sha: "a".repeat(40) }), platform)).toEqual({ kind: "deploy", branch: "main", sha: "a".repeat(40) });
    expect(() => deployTargetFromEvent("repository_dispatch", dispatch({ branch: "main", sha: "abc1234" }), platform)).toThrow(
      /the restant-app-validated dispatch from restant-hq\/restant[\s\S]*restant:commit: client_payload.sha must be the full 40-character/,
    );
    expect(() => deployTargetFromEvent("repository_dispatch", dispatch(null), platform)).toThrow(/restant:branch[\s\S]*restant:commit/);
    expect(deployTargetFromEvent("repository_dispatch", { action: "other", client_payload: {} }, platform).kind).toBe("ignore");
    expect(deployTargetFromEvent("push", { ref: "refs/heads/main", after: "b".repeat(40) }, platform)).toMatchObject({ kind: "ignore", reason: expect.stringContaining("restant-hq/restant's CI sends the commit") });
  });
});

describe("the preview comment", () => {
  const now = new Date("2026-03-01T12:00:00Z");

  it("carries its status in a marker that reads back, and that no note can close or fake", () => {
    const status = { pr: 7, state: "ready" as const, commit: "a".repeat(40), url: "https://restant-pr-7.example.com", note: "x --> <!-- restant:preview {\"pr\":8} -->" };
    const body = renderPreviewComment(status, now);
    expect(readPreviewStatus(body)).toEqual(status);
    expect(body.match(/-->/g)).toHaveLength(1);
    expect(readPreviewStatus("<!-- restant:preview {not json} -->")).toBeUndefined();
    expect(readPreviewStatus('<!-- restant:preview {"pr":7,"state":"exploded"} -->')).toBeUndefined();
  });

  it("shows snapshot age, expiry and the failing step; refuses fields it does not know", () => {
    const body = renderPreviewComment(
      { pr: 7, state: "failed", commit: "b".repeat(40), snapshotTakenAt: "2026-02-26T12:00:00Z", expiresAt: "2026-03-31T12:00:00.000Z", failedStep: "pulumi up" },
      now,
    );
    expect(body).toContain("| Database snapshot | 3 days old (taken 2026-02-26T12:00:00Z) |");
    expect(body).toContain("| Failed step | pulumi up |");
    // A snapshot that recorded no time is said to be of unknown age, never given one.
    const unknown = renderPreviewComment({ pr: 7, state: "ready", snapshotTakenAt: "unknown" }, now);
    expect(unknown).toMatch(/\| Database snapshot \| taken at an unknown time \(the snapshot predates recorded refresh times[^|]*\|/);
    expect(readPreviewStatus(unknown)?.snapshotTakenAt).toBe("unknown");
    expect(() => renderPreviewComment({ pr: 7, state: "ready", snapshotTakenAt: "last week" }, now)).toThrow();
    expect(() => renderPreviewComment({ pr: 7, state: "ready", url: "javascript:alert(1)" }, now)).toThrow();
    expect(() => renderPreviewComment({ pr: 7, state: "ready", commit: "not-a-sha" }, now)).toThrow();
  });

  it("says whether the database was a warm pool member or a direct clone because the pool was empty", () => {
    const pool = renderPreviewComment({ pr: 7, state: "ready", databaseSource: "pool" }, now);
    expect(pool).toContain("| Database | a warm pool member (cloned from the masked snapshot ahead of time, ready at once) |");
    const clone = renderPreviewComment({ pr: 7, state: "ready", databaseSource: "clone" }, now);
    expect(clone).toContain("| Database | cloned directly from the masked snapshot: the warm pool was empty |");
    expect(readPreviewStatus(clone)?.databaseSource).toBe("clone");
    expect(() => renderPreviewComment({ pr: 7, state: "ready", databaseSource: "production" as "pool" }, now)).toThrow();
  });

  it("stays far under GitHub's 65,536 characters whatever the fields hold", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 500 }), fc.array(fc.integer({ min: 1, max: 999_999 }), { maxLength: 20 }), (note, holders) => {
        const body = renderPreviewComment({ pr: 1, state: "queued", note, holders }, now);
        return body.length < 65_536 && readPreviewStatus(body)?.note === note;
      }),
    );
  });
});

describe("secrets", () => {
  it("refuses text holding any secret value, naming where but not what", () => {
    expect(() => assertNoSecrets("url: https://x/?k=s3cr3t-value", ["s3cr3t-value"], "the comment")).toThrow(SecretLeakError);
    try {
      assertNoSecrets("s3cr3t-value", ["s3cr3t-value"], "the comment");
    } catch (error) {
      expect((error as Error).message).not.toContain("s3cr3t-value");
    }
    expect(() => assertNoSecrets("all clear", ["s3cr3t-value", "abc"], "x")).not.toThrow();
  });

  it("masks every secret, longest first, in any text (property)", () => {
    fc.assert(
      fc.property(fc.array(fc.string({ minLength: 4, maxLength: 30 }), { minLength: 1, maxLength: 4 }), fc.array(fc.string(), { maxLength: 6 }), (secrets, filler) => {
        const text = filler.map((f, i) => `${f}${secrets[i % secrets.length]}`).join(" ") + secrets.join("|");
        const masked = maskSecrets(text, secrets);
        expect(() => assertNoSecrets(masked, secrets.filter((s) => !"[secret]".includes(s)), "x")).not.toThrow();
      }),
    );
  });
});

describe("capacity", () => {
  it("admits first come, first served", () => {
    expect(mayTakePlace(9, [1, 2], [], 3)).toBe(true);
    expect(mayTakePlace(9, [1, 2, 3], [], 3)).toBe(false);
    expect(mayTakePlace(9, [1, 2], [{ pr: 4, queuedAt: "a" }], 3)).toBe(false);
    expect(mayTakePlace(4, [1, 2], [{ pr: 4, queuedAt: "a" }, { pr: 9, queuedAt: "b" }], 3)).toBe(true);
    expect(mayTakePlace(9, [1], [{ pr: 4, queuedAt: "a" }, { pr: 9, queuedAt: "b" }], 3)).toBe(true);
    expect(mayTakePlace(2, [1, 2, 3], [], 3)).toBe(true); // a holder is never queued behind itself
  });
});

describe("drift", () => {
  const failure = (message: string) => [{ sequence: 1, timestamp: 1, diagnosticEvent: { message, color: "never", severity: "error" as const } }];
  const change = [
    {
      sequence: 2,
      timestamp: 1,
      resourcePreEvent: { metadata: { op: "update" as const, urn: "urn:a", type: "t", provider: "", diffs: ["x"], old: { type: "t", urn: "urn:a", id: "1", parent: "", inputs: {}, outputs: { x: 1 }, provider: "" }, new: { type: "t", urn: "urn:a", id: "1", parent: "", inputs: { x: 2 }, outputs: {}, provider: "" } } },
    },
  ];

  it("keeps clean, drifted and error apart", () => {
    expect(classifyDriftPreview(true, [])).toEqual({ kind: "clean" });
    expect(classifyDriftPreview(false, change)).toEqual({ kind: "drifted", resources: [{ urn: "urn:a", type: "t", op: "update", fields: [{ path: "x", actual: 1, declared: 2 }] }] });
    expect(classifyDriftPreview(false, [...change, ...failure("provider crashed")])).toEqual({ kind: "error", message: "provider crashed" });
    expect(classifyDriftPreview(false, [], "error: could not reach the backend")).toEqual({ kind: "error", message: "error: could not reach the backend" });
  });

  it("writes an issue that masks secrets and fits GitHub however much drifted", () => {
    const secret = "hunter2-very-secret";
    const resources: DriftedResource[] = Array.from({ length: 400 }, (_, i) => ({
      urn: `urn:pulumi:production::restant::t::r${i}`,
      type: "pulumi-nodejs:dynamic/dokku:App",
      op: "update",
      fields: [
        { path: "env", actual: `KEY=${secret}`, declared: "KEY=x" },
        { path: "dbPassword", actual: "plain-looking", declared: "other" },
        { path: "domains", actual: ["a".repeat(400)], declared: [] },
      ],
    }));
    const body = renderDriftIssue("production", resources, [secret], new Date(0));
    expect(body.length).toBeLessThan(65_536);
    expect(body).not.toContain(secret);
    expect(body).not.toContain("plain-looking");
    expect(body).toMatch(/…and \d+ more resource\(s\)/);
  });

  it("shows a secret field's value as [secret], not the engine's secret marker", () => {
    const marker = { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", ciphertext: "[secret]" };
    const resources: DriftedResource[] = [{ urn: "urn:a", type: "t", op: "update", fields: [{ path: "config", actual: marker, declared: marker }] }];
    const body = renderDriftIssue("staging", resources, [], new Date(0));
    expect(body).toContain("- `config`: server has `[secret]`, program declares `[secret]`");
    expect(body).not.toContain("4dabf");
  });
});

describe("settings", () => {
  it("reads the preview limit from the platform stack's config, as the program does, and refuses the retired variable", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "settings-"));
    mkdirSync(path.join(dir, "stacks"));
    copyFileSync(path.join(projectRoot, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
    const base = { GITHUB_REPOSITORY: "restant/environments" };
    expect(settingsFromEnv(base, dir).previewLimit).toBe(3);
    writeFileSync(path.join(dir, "stacks", "Pulumi.platform.yaml"), "config:\n  restant:kind: platform\n  restant:previewLimit: 5\n");
    expect(settingsFromEnv({ ...base, RESTANT_PREVIEW_LIMIT: "" }, dir).previewLimit).toBe(5);
    expect(() => settingsFromEnv({ ...base, RESTANT_PREVIEW_LIMIT: "2" }, dir)).toThrow(
      /RESTANT_PREVIEW_LIMIT is no longer read: set restant:previewLimit in Pulumi.yaml or stacks\/Pulumi.platform.yaml/,
    );
    expect(() => settingsFromEnv({ ...base, SENTRY_ORG: "acme" }, dir)).toThrow(/SENTRY_ORG is no longer read: set restant:sentry.organization/);
    writeFileSync(path.join(dir, "stacks", "Pulumi.platform.yaml"), "config:\n  restant:kind: platform\n  restant:previewLimit: 40\n");
    expect(() => settingsFromEnv(base, dir)).toThrow(/restant:previewLimit: must be at most 15/);
    writeFileSync(path.join(dir, "stacks", "Pulumi.platform.yaml"), "config:\n  restant:kind: platform\n");
    expect(() => settingsFromEnv({}, dir)).toThrow(/GITHUB_REPOSITORY/);
    expect(settingsFromEnv({ ...base, GITHUB_SERVER_URL: "https://github.com", GITHUB_RUN_ID: "9" }, dir).runUrl).toBe(
      "https://github.com/restant/environments/actions/runs/9",
    );
  });
});

describe("the state backend", () => {
  it("must be named: Pulumi.yaml pins none, so a script without PULUMI_BACKEND_URL or a Pulumi Cloud token refuses to run", () => {
    const ci = { GITHUB_REPOSITORY: "o/r", GITHUB_TOKEN: "t", PULUMI_CONFIG_PASSPHRASE: "x" };
    expect(() => depsFromEnv(ci)).toThrow(/no state backend: set PULUMI_BACKEND_URL/);
    expect(() => depsFromEnv({ ...ci, PULUMI_BACKEND_URL: "" })).toThrow(/no state backend/);
    expect(() => refuseMissingBackend({ PULUMI_BACKEND_URL: "s3://state/restant" })).not.toThrow();
    expect(() => refuseMissingBackend({ PULUMI_ACCESS_TOKEN: "pul-x" })).not.toThrow();
    const project = readFileSync(path.join(projectRoot, "Pulumi.yaml"), "utf8");
    expect(parseYaml(project)).not.toHaveProperty("backend");
  });
});

describe("the state backend's passphrase", () => {
  it("is required, non-empty, for a DIY backend; Pulumi Cloud and a passphrase file need none", () => {
    for (const url of ["s3://state/restant", "azblob://state", "gs://state", "file:///srv/state"]) {
      expect(() => refuseEmptyPassphrase({ PULUMI_BACKEND_URL: url, PULUMI_CONFIG_PASSPHRASE: "" }), url).toThrow(/DIY backend.*non-empty PULUMI_CONFIG_PASSPHRASE/);
      expect(() => refuseEmptyPassphrase({ PULUMI_BACKEND_URL: url }), url).toThrow(/DIY backend/);
      expect(() => refuseEmptyPassphrase({ PULUMI_BACKEND_URL: url, PULUMI_CONFIG_PASSPHRASE: "x" })).not.toThrow();
      expect(() => refuseEmptyPassphrase({ PULUMI_BACKEND_URL: url, PULUMI_CONFIG_PASSPHRASE_FILE: "/run/p" })).not.toThrow();
    }
    expect(() => refuseEmptyPassphrase({ PULUMI_BACKEND_URL: "https://api.pulumi.com", PULUMI_ACCESS_TOKEN: "pul-x" })).not.toThrow();
    expect(() => depsFromEnv({ GITHUB_REPOSITORY: "o/r", GITHUB_TOKEN: "t", PULUMI_BACKEND_URL: "s3://b", PULUMI_CONFIG_PASSPHRASE: "" })).toThrow(/DIY backend/);
  });
});
