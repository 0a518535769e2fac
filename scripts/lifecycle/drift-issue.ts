import { isMasked } from "./engine-events";
import { GITHUB_BODY_LIMIT } from "./github-api";
import { assertNoSecrets, maskSecrets } from "./secret-guard";
import type { DriftedResource } from "./stack-engine";

/** Property names whose values are never shown, whatever the engine reported. */
const SECRET_LOOKING = /pass(word)?|secret|token|key|dsn|credential|auth/i;
const VALUE_LIMIT = 200;
/** Room kept for the header and the truncation line. */
const BODY_BUDGET = GITHUB_BODY_LIMIT - 2_000;

export function driftIssueTitle(stack: string): string {
  return `Drift in stack ${stack}`;
}

/**
 * The body of a stack's drift issue: each drifted resource and field, what the server has and what the program
 * declares. Values Pulumi masks, fields that look secret and every secret output's value are shown as `[secret]`;
 * a final pass refuses the body if a secret still got through.
 */
export function renderDriftIssue(stack: string, resources: readonly DriftedResource[], secrets: readonly string[], checkedAt: Date, runUrl?: string): string {
  const header = [
    `\`pulumi preview --refresh --expect-no-changes\` on **${stack}** found ${resources.length} drifted resource(s) at ${checkedAt.toISOString()}.`,
    runUrl ? `CI run: ${runUrl}` : "",
    "",
    "Run `pulumi up` on the stack to put the declared values back, or change the program to accept what is there. This issue closes itself when a check finds the stack clean.",
    "",
  ].filter((line, i) => line !== "" || i > 1);
  const sections: string[] = [];
  let length = header.join("\n").length;
  let shown = 0;
  for (const resource of resources) {
    const lines = [`### \`${resource.type}\` (${resource.op})`, `\`${resource.urn}\``, ""];
    if (resource.fields.length === 0) lines.push("- (the engine named no field)");
    for (const field of resource.fields) {
      lines.push(`- \`${field.path}\`: server has ${show(field.path, field.actual, secrets)}, program declares ${show(field.path, field.declared, secrets)}`);
    }
    const section = lines.join("\n");
    if (length + section.length + 2 > BODY_BUDGET) break;
    sections.push(section);
    length += section.length + 2;
    shown++;
  }
  if (shown < resources.length) sections.push(`…and ${resources.length - shown} more resource(s); see the CI run.`);
  const body = maskSecrets([...header, ...sections].join("\n\n"), secrets);
  assertNoSecrets(body, secrets, `the drift issue of ${stack}`);
  return body;
}

function show(path: string, value: unknown, secrets: readonly string[]): string {
  if (value === undefined) return "nothing";
  // A secret field (the engine's secret marker, e.g. a whole app config) says nothing readable either side.
  if (SECRET_LOOKING.test(path) || isMasked(value)) return "`[secret]`";
  const text = typeof value === "string" ? value : JSON.stringify(value);
  const masked = maskSecrets(text, secrets);
  const cut = masked.length > VALUE_LIMIT ? `${masked.slice(0, VALUE_LIMIT)}…` : masked;
  return `\`${cut.replace(/`/g, "'")}\``;
}
