/**
 * MySQL database names as Forge makes them: the only ones its database resources accept and the only ones the
 * previews' server's MySQL operations put into SQL text (never quoted or escaped: anything else is refused).
 */
export function isMysqlName(name: unknown): name is string {
  return typeof name === "string" && /^[a-z0-9_]{1,64}$/.test(name);
}

/** What a refused name must be, for check failures and errors: "must be " + this. */
export const MYSQL_NAME_RULE = "a MySQL database name: at most 64 of a-z, 0-9 and _";
