// Names for hot raw statements kept prepared on each connection (SqlRunner's `prepareAs`).
import { createHash } from "node:crypto";

const names = new Map<string, string>();
/**
 * A `prepareAs` name for a hot statement: the same text, the same name. Only for texts the code
 * builds from a fixed set of parts, never from data: each name is a plan kept on every connection.
 * Planning these CTE statements afresh took Postgres as long as running them (0.5–0.7 ms each).
 * Never for a statement that returns `*`: a migration adding a column would break its plan on
 * every connection of a process still running ("cached plan must not change result type").
 */
export function preparedName(text: string): string {
  let name = names.get(text);
  if (!name) names.set(text, (name = `ll-${createHash("sha1").update(text).digest("hex").slice(0, 16)}`));
  return name;
}
