/**
 * Proof that a dokku-mysql clone holds the same data as its source. `mysql:clone` pipes a dump into the new service
 * and swallows every import error (`service_import … || true`), so a clone that died half-way still exits 0: the only
 * way to know is to compare the two databases. Knows nothing of SSH or Pulumi: it makes the SQL and reads its output.
 */

/** What one database holds, as far as the comparison cares. */
export interface DatabaseInventory {
  /** Every table and view by name, with its type ("BASE TABLE", "VIEW", …). */
  tables: Record<string, string>;
  /** Rows per base table. */
  rows: Record<string, number>;
  /** CHECKSUM TABLE per base table; null when the server could not compute one. */
  checksums: Record<string, string | null>;
}

/**
 * SQL run through `mysql:connect` (the mysql client in batch mode, headers on). Each result row starts with a tag so
 * the parser never mistakes a header or a message for data; the per-table statements are built on the server from
 * information_schema, so one round trip covers any number of tables. CHECKSUM TABLE reads every row natively, far
 * cheaper than hashing rows in SQL, which keeps verification a small share of the clone's time.
 */
export const INVENTORY_SQL = `SET SESSION group_concat_max_len = 67108864;
SELECT 'table' AS tag, table_name, table_type FROM information_schema.tables WHERE table_schema = DATABASE() ORDER BY table_name;
SELECT GROUP_CONCAT(CONCAT('SELECT ''rows'' AS tag, ', QUOTE(table_name), ', COUNT(*) FROM \`', REPLACE(table_name, '\`', '\`\`'), '\`') ORDER BY table_name SEPARATOR ' UNION ALL '),
       GROUP_CONCAT(CONCAT('\`', REPLACE(table_name, '\`', '\`\`'), '\`') ORDER BY table_name SEPARATOR ', ')
  INTO @restant_counts, @restant_tables
  FROM information_schema.tables WHERE table_schema = DATABASE() AND table_type = 'BASE TABLE';
SET @restant_counts = COALESCE(@restant_counts, 'SELECT ''rows'' AS tag, NULL, NULL FROM DUAL WHERE FALSE');
PREPARE restant_counts FROM @restant_counts;
EXECUTE restant_counts;
DEALLOCATE PREPARE restant_counts;
SET @restant_checksums = IF(@restant_tables IS NULL, 'SELECT ''none'' AS tag FROM DUAL WHERE FALSE', CONCAT('CHECKSUM TABLE ', @restant_tables));
PREPARE restant_checksums FROM @restant_checksums;
EXECUTE restant_checksums;
DEALLOCATE PREPARE restant_checksums;
SELECT 'end' AS tag;
`;

/** Undoes the mysql client's batch-mode escaping of special characters in values. */
function unescapeBatchValue(value: string): string {
  return value.replace(/\\(.)/g, (_, c: string) => ({ n: "\n", t: "\t", "0": "\0", "\\": "\\" })[c] ?? c);
}

/**
 * Reads INVENTORY_SQL's output. Throws when the output stops before the final marker: an inventory cut short (a
 * dropped connection, a server error half-way) must never pass as "fewer tables".
 */
export function parseInventory(output: string): DatabaseInventory {
  const inventory: DatabaseInventory = { tables: {}, rows: {}, checksums: {} };
  let complete = false;
  for (const line of output.split("\n")) {
    if (line === "") continue;
    const fields = line.split("\t").map(unescapeBatchValue);
    const [tag] = fields;
    if (tag === "table" && fields.length === 3) inventory.tables[fields[1]!] = fields[2]!;
    else if (tag === "rows" && fields.length === 3) inventory.rows[fields[1]!] = Number(fields[2]);
    else if (tag === "end" && fields.length === 1) complete = true;
    else if (fields.length === 2 && tag !== "Table" && tag!.includes(".")) {
      // CHECKSUM TABLE rows: `<database>.<table>` and the checksum. dokku-mysql databases carry the service name,
      // which has no dot, so the table name is everything after the first one.
      const table = tag!.slice(tag!.indexOf(".") + 1);
      inventory.checksums[table] = fields[1] === "NULL" ? null : fields[1]!;
    }
  }
  if (!complete) throw new Error("the database inventory ended early (its output has no end marker)");
  return inventory;
}

/**
 * Every way the clone differs from the source, in words; empty when they are the same: every table and view
 * present (and nothing extra), every base table with the same row count and the same checksum.
 */
export function inventoryDifferences(source: DatabaseInventory, clone: DatabaseInventory): string[] {
  const problems: string[] = [];
  for (const [table, type] of Object.entries(source.tables)) {
    if (!(table in clone.tables)) problems.push(`${describe(type)} \`${table}\` is missing`);
    else if (clone.tables[table] !== type) problems.push(`\`${table}\` is a ${clone.tables[table]}, expected a ${type}`);
  }
  for (const table of Object.keys(clone.tables)) {
    if (!(table in source.tables)) problems.push(`\`${table}\` is not in the source`);
  }
  for (const [table, rows] of Object.entries(source.rows)) {
    if (!(table in clone.tables)) continue;
    const cloned = clone.rows[table];
    if (cloned !== rows) problems.push(`table \`${table}\` has ${cloned ?? "no"} rows, expected ${rows}`);
    else if (source.checksums[table] === null || clone.checksums[table] === null || clone.checksums[table] === undefined) {
      problems.push(`table \`${table}\` could not be checksummed`);
    } else if (clone.checksums[table] !== source.checksums[table]) {
      problems.push(`table \`${table}\` has different contents (checksum ${clone.checksums[table]}, expected ${source.checksums[table]})`);
    }
  }
  return problems;
}

function describe(type: string): string {
  return type === "VIEW" ? "view" : "table";
}

/** Totals for messages and outputs. */
export function inventorySummary(inventory: DatabaseInventory): { tables: number; rows: number } {
  return {
    tables: Object.keys(inventory.tables).length,
    rows: Object.values(inventory.rows).reduce((sum, n) => sum + n, 0),
  };
}
