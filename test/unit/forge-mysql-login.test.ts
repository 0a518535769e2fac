import { describe, expect, it } from "vitest";
import { dokkuErrorFromResult } from "../../components/dokku/client/errors/from-result";
import { withLoginHint } from "../../components/forge/server/mysql-on-server";

// A refused MySQL login on the previews' Forge server, as the forge user's shell reports it: the mysql client's is
// run on real MariaDB in the integration tier (forge-preview-data.test.ts); mysqldump's, inside the copy's bash, here.

const HINT = "MySQL refused the forge user's login on the previews' server: check the forge user's ~/.my.cnf (docs/forge.md)";

describe("a refused MySQL login on the previews' server", () => {
  it("says where the forge user's login comes from, for mysql and for mysqldump in the copy", () => {
    const mysql = dokkuErrorFromResult("mysql", 1, "ERROR 1045 (28000): Access denied for user 'forge'@'localhost' (using password: YES)\n", [], "shell");
    expect((withLoginHint(mysql) as Error).message).toBe(`mysql failed (exit 1): ERROR 1045 (28000): Access denied for user 'forge'@'localhost' (using password: YES) — ${HINT}`);
    const dump = dokkuErrorFromResult("bash", 2, 'mysqldump: Got error: 1045: "Access denied for user \'forge\'@\'localhost\' (using password: YES)" when trying to connect\n', [], "shell");
    expect((withLoginHint(dump) as Error).message).toContain(HINT);
  });

  it("leaves every other failure as it was", () => {
    const unknown = dokkuErrorFromResult("mysql", 1, "ERROR 1049 (42000): Unknown database 'restant_pr_7'\n", [], "shell");
    expect((withLoginHint(unknown) as Error).message).toBe("mysql failed (exit 1): ERROR 1049 (42000): Unknown database 'restant_pr_7'");
    const plain = new Error("Access denied 1045 but not from a command");
    expect(withLoginHint(plain)).toBe(plain);
    expect(plain.message).toBe("Access denied 1045 but not from a command");
  });
});
