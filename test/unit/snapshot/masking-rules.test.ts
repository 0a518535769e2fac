import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { maskingApplySql, maskingCheckSql } from "../../../components/dokku/mysql/masking-sql";
import { snapshotRefreshScript } from "../../../components/dokku/server/snapshot-refresh-script";
import { loadMaskingRules, PERSONAL_COLUMN_PATTERN } from "../../../infra/config/masking-rules";
import { projectDir } from "../../../infra/project-dir";

const scratch = mkdtempSync(path.join(projectDir, ".masking-test-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Writes a rules file inside the project (the loader takes paths relative to it) and returns that path. */
function rulesFile(text: string): string {
  const file = path.join(scratch, `rules-${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(file, text);
  return path.relative(projectDir, file);
}

describe("the masking rules file", () => {
  it("loads the repository's rules: fake e-mails and names for users, one known bcrypt hash for every password", () => {
    const rules = loadMaskingRules("stacks/snapshot-masking.yaml", "platform");
    expect(rules.tables.users).toMatchObject({
      email: { kind: "fake-email" },
      name: { kind: "fake-name" },
      password: { kind: "fixed", value: "$2y$10$92IXUNpkjO0rOQ5byMi.Ye4oKoEa3Ro9llC/.og/at2.uheWG/igi" },
      bio: { kind: "null" },
    });
  });

  it("refuses a word that is no rule, naming the config key, the file and table.column", () => {
    const file = rulesFile("tables:\n  users:\n    email: fake-phone\n    name: keep\n");
    expect(() => loadMaskingRules(file, "platform")).toThrow(
      /restant:database\.maskingRules: .*rules-.*\.yaml: tables\.users\.email: "fake-phone" is not a rule; use one of keep, fake-email, fake-name, null, hash, fixed:<value>/,
    );
  });

  it("takes YAML's bare null as the null rule, and refuses names that are not identifiers", () => {
    expect(loadMaskingRules(rulesFile("tables:\n  users:\n    bio: null\n"), "platform").tables.users).toEqual({ bio: { kind: "null" } });
    expect(() => loadMaskingRules(rulesFile("tables:\n  'users; DROP':\n    x: keep\n"), "platform")).toThrow(/tables\.users; DROP: not a table name/);
  });

  it("refuses a missing file and a file of another shape, naming the key", () => {
    expect(() => loadMaskingRules("stacks/no-such-rules.yaml", "platform")).toThrow(/restant:database\.maskingRules: stacks\/no-such-rules\.yaml: does not exist/);
    expect(() => loadMaskingRules(rulesFile("users:\n  email: keep\n"), "platform")).toThrow(/restant:database\.maskingRules: .*must be an object \{ tables/);
  });
});

describe("what looks personal", () => {
  const personal = new RegExp(PERSONAL_COLUMN_PATTERN);
  it.each(["email", "e_mail", "contact_email", "name", "first_name", "username", "phone", "mobile_number", "address", "billing_address_line1", "ip", "last_login_ip", "remember_token", "password", "client_secret", "iban", "date_of_birth", "tax_id"])(
    "%s does",
    (column) => expect(personal.test(column)).toBe(true),
  );
  it.each(["id", "zip_ok", "description", "shipping_total", "status", "created_at", "price", "quantity", "payload"])("%s does not", (column) => {
    expect(personal.test(column)).toBe(false);
  });
});

describe("the masking SQL and the refresh script", () => {
  const rules = { file: "stacks/x.yaml", tables: { users: { note: { kind: "fixed" as const, value: "it's a \\ back'slash" }, email: { kind: "fake-email" as const } } } };

  it("makes fixed values SQL string literals and never puts them outside the quoted here-documents", () => {
    expect(maskingApplySql(rules)).toContain("`note` = 'it''s a \\\\ back''slash'");
    const script = snapshotRefreshScript({ source: "restant-main", snapshot: "restant-snapshot", masking: rules });
    const outsideHeredocs = script.replace(/<<'RESTANT_SQL'\n[\s\S]*?\nRESTANT_SQL\n/g, "<<'RESTANT_SQL'\n");
    expect(outsideHeredocs).not.toContain("back");
    expect(outsideHeredocs).toContain("source_service=restant-main\n");
    // Production's export goes into the side database only; the snapshot's own tables change in the one swap.
    expect(outsideHeredocs).toMatch(/in_next <"\$work\/production\.sql"/);
    expect(outsideHeredocs).toContain("dokku mysql:import \"$snapshot\" >\"$work/swap.out\"");
  });

  it("checks every rule's table and column byte for byte, and the personal pattern against lower-cased names", () => {
    const check = maskingCheckSql(rules, PERSONAL_COLUMN_PATTERN);
    expect(check).toContain("('users', 'email', 'fake-email')");
    expect(check).toContain("LOWER(c.column_name) REGEXP");
    expect(check).toMatch(/BINARY c\.table_name = BINARY r\.table_name/);
    expect(check.trimEnd().endsWith("SELECT 'end' AS tag;")).toBe(true);
  });
});
