/** JSON:API bodies as Forge writes them: string ids, a type, attributes; lists with a cursor in meta. */

export interface Answer {
  status: number;
  body?: unknown;
}

export function resource(type: string, id: number, attributes: Record<string, unknown>): Record<string, unknown> {
  return { id: String(id), type, attributes, links: { self: { href: `/${type}/${id}` } } };
}

export function one(type: string, id: number, attributes: Record<string, unknown>, status = 200): Answer {
  return { status, body: { data: resource(type, id, attributes) } };
}

/** A page of a list: `page[size]` (default 30, at most 200) from the cursor `page[cursor]`, the next cursor in meta. */
export function page(items: Record<string, unknown>[], query: URLSearchParams): Answer {
  const sizeText = query.get("page[size]");
  const size = sizeText === null ? 30 : Number(sizeText);
  if (!Number.isInteger(size) || size < 1 || size > 200) return invalid({ "page.size": ["The page.size field must be between 1 and 200."] });
  const cursor = query.get("page[cursor]");
  const start = cursor === null ? 0 : Number(Buffer.from(cursor, "base64url").toString("utf8").replace(/^offset:/, ""));
  if (!Number.isInteger(start) || start < 0) return { status: 400, body: { message: "The cursor is invalid." } };
  const data = items.slice(start, start + size);
  const next = start + size < items.length ? Buffer.from(`offset:${start + size}`, "utf8").toString("base64url") : null;
  return { status: 200, body: { data, meta: { path: "", per_page: size, next_cursor: next, prev_cursor: null } } };
}

/** 422 as Laravel's validator answers it. */
export function invalid(errors: Record<string, string[]>): Answer {
  const first = Object.values(errors)[0]?.[0] ?? "The given data was invalid.";
  const more = Object.values(errors).flat().length - 1;
  return { status: 422, body: { message: more > 0 ? `${first} (and ${more} more error${more > 1 ? "s" : ""})` : first, errors } };
}

export function notFound(what = "Not Found"): Answer {
  return { status: 404, body: { message: what } };
}

export const accepted: Answer = { status: 202 };
