// LISTEN on Postgres for the event dispatcher.
import pg from "pg";

/**
 * A dedicated connection for LISTEN (a pooled one may be handed to someone else). It reconnects
 * after a drop and calls `fn` on every (re)connect, so nothing committed meanwhile waits for a poll.
 */
export async function listenPostgres(url: string, channel: string, fn: () => void): Promise<() => Promise<void>> {
  let stopped = false;
  let client: pg.Client | undefined;
  let retry: NodeJS.Timeout | undefined;
  const connect = async (): Promise<void> => {
    const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
    c.on("notification", () => fn());
    c.on("error", () => {});
    c.on("end", () => {
      if (client === c) client = undefined;
      if (!stopped) schedule();
    });
    await c.connect();
    await c.query(`LISTEN ${channel}`);
    client = c;
    fn();
  };
  const schedule = () => {
    clearTimeout(retry);
    retry = setTimeout(() => void connect().catch(schedule), 1000);
    retry.unref();
  };
  await connect().catch(schedule);
  return async () => {
    stopped = true;
    clearTimeout(retry);
    await client?.end().catch(() => {});
  };
}
