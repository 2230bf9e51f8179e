// The system prompt the agent uses for a business: the newest version published from the console
// (PromptVersion), read on every turn so a publish applies from the next one; with none, the file
// its profile names (prompts/system.md by default), which stays the default a business starts from.
import type { BusinessRef } from "../../business/business-directory.ts";
import type { SqlRunner } from "../../db/open-database.ts";
import { loadPrompt, parsePrompt, type PromptFile } from "./load-prompt.ts";
import { preparedName } from "../../db/prepared-name.ts";

export interface PublishedPrompt {
  prompt: PromptFile;
  text: string;
  /** null: the file (no version published yet) */
  version: number | null;
}

const parsed = new Map<string, PromptFile>();

const LATEST_SQL = `SELECT "id", "version", "text" FROM "PromptVersion" WHERE "businessId" = $1 ORDER BY "version" DESC LIMIT 1`;

export async function publishedPrompt(sql: SqlRunner, business: Pick<BusinessRef, "id" | "slug" | "profile">): Promise<PublishedPrompt> {
  // raw SQL: read on every agent turn, before the model is asked
  const [row] = await sql<{ id: string; version: number; text: string }>(LATEST_SQL, [business.id], preparedName(LATEST_SQL));
  if (!row) {
    const prompt = loadPrompt(business.profile.ai.prompt);
    return { prompt, text: "", version: null };
  }
  // a stored version never changes: parse it once per process
  let prompt = parsed.get(row.id);
  if (!prompt) {
    prompt = parsePrompt(row.text, `${business.slug} prompt v${row.version}`);
    parsed.set(row.id, prompt);
  }
  return { prompt, text: row.text, version: row.version };
}
