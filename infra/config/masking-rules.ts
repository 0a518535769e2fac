import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { z } from "zod";
import { projectDir } from "../project-dir";
import { type ConfigProblem, StackConfigError } from "./problems";

/**
 * The rules that sanitize production's data before it becomes the master snapshot previews clone: per table and
 * column, what the value becomes. Read from a file in the repository (`restant:database.maskingRules`, default
 * `stacks/snapshot-masking.yaml`), checked here, applied on the server by the refresh (components/dokku/mysql/
 * masking-sql.ts), which also fails closed on personal-looking columns that have no rule.
 */
export type MaskingRule =
  | { kind: "keep" }
  | { kind: "fake-email" }
  | { kind: "fake-name" }
  | { kind: "null" }
  | { kind: "hash" }
  | { kind: "fixed"; value: string };

export interface MaskingRules {
  /** The file the rules came from, relative to the project, for messages. */
  file: string;
  /** table → column → rule. */
  tables: Record<string, Record<string, MaskingRule>>;
}

/**
 * Column names that look personal: a column matching this (lower-cased) and having no rule stops the refresh. `name`
 * and `ip` count as whole `_`-separated words (`first_name`, `username`, `last_login_ip`, not `zip` or `description`);
 * the rest anywhere in the name. One pattern for JavaScript and MySQL's REGEXP alike.
 */
export const PERSONAL_COLUMN_PATTERN =
  "(^|_)(ip|[a-z]*name)(_|$)|e_?mail|phone|mobile|address|street|postcode|zipcode|birth|password|passwd|secret|token|iban|bic|ssn|passport|tax_?id|card";

/** The rule words, as written in the file. */
export const RULE_WORDS = ["keep", "fake-email", "fake-name", "null", "hash", "fixed:<value>"] as const;

const IDENTIFIER = /^[A-Za-z0-9_$]{1,64}$/;

const ruleText = z.union([z.string(), z.null().transform(() => "null")]);
const fileSchema = z.strictObject(
  { tables: z.record(z.string(), z.record(z.string(), ruleText, { error: "must map each column to a rule" }), { error: "must map each table to its columns" }) },
  { error: "must be an object { tables: { <table>: { <column>: <rule> } } }" },
);

/** One rule from its text; undefined when it is none. */
export function parseRule(text: string): MaskingRule | undefined {
  if (text.startsWith("fixed:")) {
    const value = text.slice("fixed:".length);
    return /[\n\r\0]/.test(value) ? undefined : { kind: "fixed", value };
  }
  switch (text) {
    case "keep":
    case "fake-email":
    case "fake-name":
    case "null":
    case "hash":
      return { kind: text };
    default:
      return undefined;
  }
}

/** Reads and checks the rules file; every problem named by its table.column, under the config key. */
export function loadMaskingRules(file: string, stack: string): MaskingRules {
  const key = "restant:database.maskingRules";
  const fail = (problems: string[]): never => {
    throw new StackConfigError({ stack, origin: file }, problems.map((message): ConfigProblem => ({ key, message: `${file}: ${message}` })));
  };
  const absolute = path.resolve(projectDir, file);
  if (!existsSync(absolute)) fail([`does not exist; the snapshot refresh needs masking rules (see ${"stacks/snapshot-masking.yaml"})`]);
  let raw: unknown;
  try {
    raw = parse(readFileSync(absolute, "utf8"));
  } catch (error) {
    fail([`is not YAML: ${(error as Error).message.split("\n")[0]}`]);
  }
  const parsed = fileSchema.safeParse(raw);
  if (!parsed.success) fail(parsed.error.issues.map((issue) => `${issue.path.join(".") || "(top)"}: ${issue.message}`));
  const problems: string[] = [];
  const tables: MaskingRules["tables"] = {};
  for (const [table, columns] of Object.entries(parsed.data!.tables)) {
    if (!IDENTIFIER.test(table)) problems.push(`tables.${table}: not a table name (1-64 of letters, digits, _ and $)`);
    tables[table] = {};
    for (const [column, text] of Object.entries(columns)) {
      if (!IDENTIFIER.test(column)) problems.push(`tables.${table}.${column}: not a column name (1-64 of letters, digits, _ and $)`);
      const rule = parseRule(text);
      if (rule === undefined) problems.push(`tables.${table}.${column}: ${JSON.stringify(text)} is not a rule; use one of ${RULE_WORDS.join(", ")} (a fixed value on one line)`);
      else tables[table]![column] = rule;
    }
  }
  if (problems.length > 0) fail(problems);
  return { file, tables };
}
