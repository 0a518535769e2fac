import { describe, expect, it } from "vitest";
import { requireBuilt } from "../support/built";

type Verification = typeof import("../../components/dokku/mysql/mysql-verification");
const { parseInventory, inventoryDifferences, inventorySummary, INVENTORY_SQL } = requireBuilt<Verification>(
  "components/dokku/mysql/mysql-verification.ts",
);

/** What `mysql --batch` prints for INVENTORY_SQL (headers on, as mysql:connect runs it). */
function output(db: string, tables: [string, number, string][], views: string[] = [], end = true): string {
  const lines = ["tag\ttable_name\ttable_type"];
  const names = [...tables.map(([t]) => t), ...views].sort();
  for (const name of names) lines.push(`table\t${name}\t${views.includes(name) ? "VIEW" : "BASE TABLE"}`);
  lines.push("tag\tname\tCOUNT(*)");
  for (const [t, n] of tables) lines.push(`rows\t${t}\t${n}`);
  lines.push("Table\tChecksum");
  for (const [t, , c] of tables) lines.push(`${db}.${t}\t${c}`);
  if (end) lines.push("tag", "end");
  return `${lines.join("\n")}\n`;
}

describe("clone verification", () => {
  const source = parseInventory(output("restant-snapshot", [["orders", 5000, "111"], ["users", 20, "222"]], ["active_users"]));

  it("reads tables, views, counts and checksums whatever the database is called", () => {
    expect(source).toEqual({
      tables: { active_users: "VIEW", orders: "BASE TABLE", users: "BASE TABLE" },
      rows: { orders: 5000, users: 20 },
      checksums: { orders: "111", users: "222" },
    });
    expect(inventorySummary(source)).toEqual({ tables: 3, rows: 5020 });
  });

  it("passes an identical clone", () => {
    const clone = parseInventory(output("restant-pr-7", [["orders", 5000, "111"], ["users", 20, "222"]], ["active_users"]));
    expect(inventoryDifferences(source, clone)).toEqual([]);
  });

  it("names every difference: missing tables and views, short tables, changed contents, extras", () => {
    const clone = parseInventory(output("restant-pr-7", [["orders", 1200, "999"], ["stray", 1, "5"]]));
    expect(inventoryDifferences(source, clone)).toEqual([
      "view `active_users` is missing",
      "table `users` is missing",
      "`stray` is not in the source",
      "table `orders` has 1200 rows, expected 5000",
    ]);
    const sameCount = parseInventory(output("c", [["orders", 5000, "998"], ["users", 20, "222"]], ["active_users"]));
    expect(inventoryDifferences(source, sameCount)).toEqual(["table `orders` has different contents (checksum 998, expected 111)"]);
    const noChecksum = parseInventory(output("c", [["orders", 5000, "NULL"], ["users", 20, "222"]], ["active_users"]));
    expect(inventoryDifferences(source, noChecksum)).toEqual(["table `orders` could not be checksummed"]);
  });

  it("refuses an inventory cut short rather than reading it as fewer tables", () => {
    expect(() => parseInventory(output("c", [["orders", 1, "1"]], [], false))).toThrow(/ended early/);
  });

  it("undoes the client's escaping of names", () => {
    const parsed = parseInventory("table\twe\\tird\tBASE TABLE\nrows\twe\\tird\t3\ndb.we\\tird\t42\ntag\nend\n");
    expect(parsed.rows).toEqual({ "we\tird": 3 });
    expect(parsed.checksums).toEqual({ "we\tird": "42" });
  });

  it("builds its per-table statements on the server, quoting names", () => {
    expect(INVENTORY_SQL).toContain("CHECKSUM TABLE");
    expect(INVENTORY_SQL).toContain("REPLACE(table_name, '`', '``')");
    expect(INVENTORY_SQL.trim().endsWith("SELECT 'end' AS tag;")).toBe(true);
  });
});
