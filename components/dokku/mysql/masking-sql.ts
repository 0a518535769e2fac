import type { MaskingRule, MaskingRules } from "../../../infra/config/masking-rules";

/**
 * The SQL the snapshot refresh runs on the staged copy of production's export: a check that the rules fit the schema
 * (and that no personal-looking column lacks one), then the masking itself. Both run through `mysql:connect` (the
 * mysql client in batch mode, headers on); every row the check prints starts with a tag, so the script reads its
 * verdict without parsing headers. Knows nothing of SSH or Pulumi: text in, text out.
 */

/** A MySQL string literal (backslashes and quotes escaped). */
export function sqlString(value: string): string {
  return `'${value.replace(/\\/g, "\\\\").replace(/'/g, "''").replace(/\0/g, "\\0")}'`;
}

/** A MySQL identifier. */
export function sqlIdentifier(name: string): string {
  return `\`${name.replace(/`/g, "``")}\``;
}

function ruleWord(rule: MaskingRule): string {
  return rule.kind === "fixed" ? "fixed" : rule.kind;
}

/** The problems the check reports, by tag, and what each means for the operator. */
export const MASKING_PROBLEMS = {
  "missing-table": "a rule names this table, which the export does not have; fix or remove the rule",
  "missing-column": "a rule names this column, which the export does not have; fix or remove the rule",
  unruled: "looks personal and has no rule; add one (keep, fake-email, fake-name, null, fixed:<value>, hash)",
  "no-id": "fake-email and fake-name number rows by the table's id column, which this table lacks; use null, fixed: or hash",
  "null-not-allowed": "is NOT NULL, so the null rule cannot apply; use fixed:<value> or hash",
} as const;

/**
 * Prints one `problem <tag> <table[.column]>` row per way the rules do not fit the database, then `end`. Compares
 * names byte for byte (table names are case-sensitive on Linux).
 */
export function maskingCheckSql(rules: MaskingRules, personalPattern: string): string {
  const rows = Object.entries(rules.tables).flatMap(([table, columns]) =>
    Object.entries(columns).map(([column, rule]) => `(${sqlString(table)}, ${sqlString(column)}, ${sqlString(ruleWord(rule))})`),
  );
  const here = "table_schema = DATABASE()";
  const tableExists = (t: string) => `EXISTS (SELECT 1 FROM information_schema.tables t WHERE t.${here} AND BINARY t.table_name = BINARY ${t} AND t.table_type = 'BASE TABLE')`;
  const column = (t: string, c: string) =>
    `SELECT 1 FROM information_schema.columns c WHERE c.${here} AND BINARY c.table_name = BINARY ${t} AND BINARY c.column_name = BINARY ${c}`;
  return [
    "CREATE TEMPORARY TABLE restant_masking_rules (table_name VARCHAR(64) NOT NULL, column_name VARCHAR(64) NOT NULL, rule VARCHAR(16) NOT NULL) DEFAULT CHARSET = utf8mb4;",
    ...(rows.length > 0 ? [`INSERT INTO restant_masking_rules VALUES ${rows.join(",\n  ")};`] : []),
    `SELECT DISTINCT 'problem' AS tag, 'missing-table' AS kind, r.table_name AS what FROM restant_masking_rules r WHERE NOT ${tableExists("r.table_name")};`,
    `SELECT 'problem' AS tag, 'missing-column' AS kind, CONCAT(r.table_name, '.', r.column_name) AS what FROM restant_masking_rules r WHERE ${tableExists("r.table_name")} AND NOT EXISTS (${column("r.table_name", "r.column_name")});`,
    `SELECT 'problem' AS tag, 'unruled' AS kind, CONCAT(c.table_name, '.', c.column_name) AS what FROM information_schema.columns c ` +
      `JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name AND t.table_type = 'BASE TABLE' ` +
      `WHERE c.${here} AND LOWER(c.column_name) REGEXP ${sqlString(personalPattern)} ` +
      `AND NOT EXISTS (SELECT 1 FROM restant_masking_rules r WHERE BINARY r.table_name = BINARY c.table_name AND BINARY r.column_name = BINARY c.column_name) ` +
      `ORDER BY c.table_name, c.column_name;`,
    `SELECT 'problem' AS tag, 'no-id' AS kind, CONCAT(r.table_name, '.', r.column_name) AS what FROM restant_masking_rules r ` +
      `WHERE r.rule IN ('fake-email', 'fake-name') AND ${tableExists("r.table_name")} AND NOT EXISTS (${column("r.table_name", "'id'")});`,
    `SELECT 'problem' AS tag, 'null-not-allowed' AS kind, CONCAT(r.table_name, '.', r.column_name) AS what FROM restant_masking_rules r ` +
      `WHERE r.rule = 'null' AND EXISTS (${column("r.table_name", "r.column_name")} AND c.is_nullable = 'NO');`,
    "SELECT 'end' AS tag;",
    "",
  ].join("\n");
}

/** The value a rule gives the column, as an SQL expression over the row. */
function maskExpression(column: string, rule: MaskingRule): string | undefined {
  const col = sqlIdentifier(column);
  switch (rule.kind) {
    case "keep":
      return undefined;
    case "fake-email":
      // Unique per row, so unique indexes on e-mail hold; NULL stays NULL.
      return `IF(${col} IS NULL, NULL, CONCAT('user', \`id\`, '@example.invalid'))`;
    case "fake-name":
      return `IF(${col} IS NULL, NULL, CONCAT('Test User ', \`id\`))`;
    case "null":
      return "NULL";
    case "hash":
      // Salted per refresh: equal values stay equal (joins on them hold) but cannot be looked up from outside.
      return `IF(${col} IS NULL, NULL, SHA2(CONCAT(@restant_salt, ${col}), 256))`;
    case "fixed":
      return sqlString(rule.value);
  }
}

/** One UPDATE per table with a rule that changes something, then `masked` so the script knows it ran to the end. */
export function maskingApplySql(rules: MaskingRules): string {
  const updates = Object.entries(rules.tables).flatMap(([table, columns]) => {
    const sets = Object.entries(columns).flatMap(([column, rule]) => {
      const expression = maskExpression(column, rule);
      return expression === undefined ? [] : [`${sqlIdentifier(column)} = ${expression}`];
    });
    return sets.length > 0 ? [`UPDATE ${sqlIdentifier(table)} SET ${sets.join(", ")};`] : [];
  });
  return ["SET @restant_salt = HEX(RANDOM_BYTES(16));", ...updates, "SELECT 'masked' AS tag;", ""].join("\n");
}
