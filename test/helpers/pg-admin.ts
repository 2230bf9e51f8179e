import pg from "pg";

export const PG_HOST = process.env.TEST_PG_HOST ?? "127.0.0.1";
export const PG_PORT = Number(process.env.TEST_PG_PORT ?? 5432);
export const PG_USER = process.env.TEST_PG_USER ?? "postgres";

export function dbUrl(name: string): string {
  return `postgresql://${PG_USER}@${PG_HOST}:${PG_PORT}/${name}`;
}

/** Runs statements against the server's `postgres` database (CREATE/DROP DATABASE). */
export async function pgAdmin(...sql: string[]): Promise<void> {
  const c = new pg.Client({ connectionString: dbUrl("postgres") });
  await c.connect();
  try {
    for (const s of sql) await c.query(s);
  } finally {
    await c.end();
  }
}
