// Delivers outbox events in order to in-process subscribers, at least once. A durable subscriber
// (sequences, the agent's web chat, the Slack mirror) keeps its cursor in Postgres and holds a
// lease (durable-cursor.ts), so one process at a time delivers to it and a subscriber that was
// down catches up in order. An
// ephemeral one (the chat stream of one web process) starts at the head and keeps its cursor in
// memory. Wake-ups come from LISTEN/NOTIFY at commit, with a poll as the safety net.
import type { UrgentGate } from "../lib/urgent-gate.ts";
import type { SqlRunner } from "../db/open-database.ts";
import type { Logger } from "../lib/logger.ts";
import { wallMs } from "../lib/clock.ts";
import { newId } from "../lib/new-id.ts";
import type { DomainEvent, DomainEventType } from "./domain-event.ts";
import { createDurableCursors, type CursorState } from "./durable-cursor.ts";
import { createBatchedReader, headSeq, runningTransactions, transactionsEnded } from "./read-events.ts";

export interface EventSubscriber {
  name: string;
  durable: boolean;
  /** only these types reach `handle` (the cursor still moves past the others) */
  types?: DomainEventType[];
  /** the subscriber's own retry limit: default the dispatcher's for a durable one, Infinity (never skip, wait in order) for a live one */
  maxAttempts?: number;
  /** the longest wait between retries of one event (default 64 × retryBaseMs; a live subscriber's 2 s) */
  maxRetryMs?: number;
  handle(e: DomainEvent): Promise<void>;
}

/** Thrown by a handler that was told when to come back (a Slack 429's Retry-After): the next try waits that long. */
export class RetryLaterError extends Error {
  constructor(
    message: string,
    readonly retryAfterMs: number,
  ) {
    super(message);
    this.name = "RetryLaterError";
  }
}

export interface EventDispatcher {
  subscribe(s: EventSubscriber): Promise<() => Promise<void>>;
  /** read now (e.g. right after this process committed an event) */
  poke(): void;
  close(): Promise<void>;
}

export interface DispatcherOptions {
  sql: SqlRunner;
  log: Logger;
  /** subscribes to the notification channel; resolves to an unsubscribe (undefined: poll only) */
  listen?: (channel: string, fn: () => void) => Promise<() => Promise<void>>;
  pollMs?: number;
  leaseMs?: number;
  /** a failing event is retried this many times, then skipped with an error log (never silently) */
  maxAttempts?: number;
  retryBaseMs?: number;
  /** durable subscribers' work waits while a text-back or first text is being sent (live ones never do: a chat stream is a person waiting) */
  gate?: UrgentGate;
  /** notifications within this long of the first are answered by one read (default NOTIFY_COALESCE_MS; 0: each at once) */
  notifyCoalesceMs?: number;
}

/** NOTIFYs this close share one read: an agent turn commits three or four times within ~15 ms, and a
 * read per commit cost both ends a round trip mid-turn (a watcher sees an event this much later at most) */
export const NOTIFY_COALESCE_MS = 15;

/** the longest a durable subscriber's event waits behind urgent work */
const GATE_WAIT_MS = 250;

export const EVENTS_CHANNEL = "leadline_domain_events";
const BATCH = 200;
/** a live subscriber's longest wait between retries: a chat stream catches up within 2 s of the database coming back */
const LIVE_MAX_RETRY_MS = 2000;

/** one subscriber's delivery state (its cursor: durable-cursor.ts) */
interface Pump extends CursorState {
  sub: EventSubscriber;
  /** the cursor row exists (durable) or the start position is known (ephemeral) */
  ready: boolean;
  running: boolean;
  again: boolean;
  failures: { seq: bigint; count: number } | undefined;
  /** a missing seq, and the transactions running when it was first seen: final once they have ended and a read after that still lacks it */
  gap: { seq: bigint; pending: bigint[]; ended: boolean } | undefined;
  retryTimer: NodeJS.Timeout | undefined;
  /** a handler's RetryLaterError: no delivery before this wall-clock ms, whatever pokes arrive */
  notBefore: number;
}

export function createEventDispatcher(o: DispatcherOptions): EventDispatcher {
  const owner = newId();
  const leaseMs = o.leaseMs ?? 30_000;
  const maxAttempts = o.maxAttempts ?? 10;
  const retryBaseMs = o.retryBaseMs ?? 500;
  const pumps = new Set<Pump>();
  const cursors = createDurableCursors({ sql: o.sql, log: o.log, owner, leaseMs, retryMs: retryBaseMs, isLive: (c) => !closed && pumps.has(c as Pump) });
  // the pumps a poke wakes read the outbox together: one SELECT per wake-up, not one per subscriber
  const read = createBatchedReader(o.sql, BATCH);
  let closed = false;
  let unlisten: (() => Promise<void>) | undefined;
  let listening: Promise<void> | undefined;

  const poll = setInterval(() => pokeAll(), o.pollMs ?? 1000);
  poll.unref();
  const coalesceMs = o.notifyCoalesceMs ?? NOTIFY_COALESCE_MS;
  let notified: NodeJS.Timeout | undefined;

  function pokeAll() {
    for (const p of pumps) void run(p);
  }

  /** a NOTIFY: one read within coalesceMs, which the notifications until then join */
  function onNotify() {
    if (coalesceMs <= 0) return pokeAll();
    notified ??= setTimeout(() => {
      notified = undefined;
      pokeAll(); // a no-op once closed
    }, coalesceMs);
  }

  /** First contact with the database for a subscriber; retried by the next run while it is away. */
  async function prepare(p: Pump): Promise<void> {
    if (p.ready) return;
    if (p.sub.durable) {
      // a new subscriber starts at the head rather than replaying history
      await o.sql(
        `INSERT INTO "EventCursor" ("subscriber", "position", "updatedAt")
         VALUES ($1, (SELECT coalesce(max("seq"), 0) FROM "DomainEvent"), clock_timestamp()) ON CONFLICT ("subscriber") DO NOTHING`,
        [p.sub.name],
      );
    } else {
      p.position = await headSeq(o.sql);
    }
    p.ready = true;
  }

  async function claim(p: Pump): Promise<boolean> {
    if (closed || !pumps.has(p)) return false;
    await prepare(p);
    return p.sub.durable ? cursors.claim(p) : true;
  }

  function advance(p: Pump, seq: bigint): void {
    if (p.sub.durable) cursors.advance(p, seq);
    else if (seq > p.position) p.position = seq;
  }

  const release = (ps: Pump[]) => cursors.release(ps);

  async function deliver(p: Pump, e: DomainEvent): Promise<boolean> {
    try {
      if (p.sub.durable) await o.gate?.clear(GATE_WAIT_MS);
      await p.sub.handle(e);
      p.failures = undefined;
      return true;
    } catch (err) {
      const count = p.failures?.seq === e.seq ? p.failures.count + 1 : 1;
      p.failures = { seq: e.seq, count };
      // a live (ephemeral) subscriber's handler fans out in memory after a read: it fails only while
      // the database is away, and an open chat stream would never see a skipped event again, so by
      // default it retries in order, never skipping, and comes back quickly once the database does
      if (count >= (p.sub.maxAttempts ?? (p.sub.durable ? maxAttempts : Infinity))) {
        o.log.error({ subscriber: p.sub.name, seq: e.seq.toString(), type: e.type, err: (err as Error).message }, "event skipped after every retry");
        p.failures = undefined;
        return true;
      }
      o.log.warn({ subscriber: p.sub.name, seq: e.seq.toString(), attempt: count, err: (err as Error).message }, "event delivery failed; will retry in order");
      clearTimeout(p.retryTimer);
      const backoff = Math.min(retryBaseMs * 2 ** Math.min(count - 1, 6), p.sub.maxRetryMs ?? (p.sub.durable ? Infinity : LIVE_MAX_RETRY_MS));
      const delay = err instanceof RetryLaterError ? err.retryAfterMs : backoff;
      if (err instanceof RetryLaterError) p.notBefore = wallMs() + delay;
      p.retryTimer = setTimeout(() => void run(p), delay);
      p.retryTimer.unref();
      return false;
    }
  }

  /**
   * At a gap: "pass" when the seqs missing before the next row will never appear (every transaction
   * that was running when the gap was first seen had ended before this batch was read), "reread"
   * when they have just been found ended (this batch is older than that finding), else "wait".
   */
  async function atGap(p: Pump): Promise<"pass" | "reread" | "wait"> {
    const missing = p.position + 1n;
    if (p.gap?.seq !== missing) {
      // asked after the read that found the gap: whoever holds the missing seq is listed, or has ended
      p.gap = { seq: missing, pending: await runningTransactions(o.sql), ended: false };
      return "wait";
    }
    if (p.gap.ended) {
      p.gap = undefined;
      return "pass";
    }
    if (!(await transactionsEnded(o.sql, p.gap.pending))) return "wait";
    p.gap.ended = true;
    return "reread";
  }

  async function run(p: Pump): Promise<void> {
    if (closed || wallMs() < p.notBefore) return; // told to wait: the retry timer comes back
    if (p.running) {
      p.again = true;
      return;
    }
    p.running = true;
    try {
      do {
        p.again = false;
        if (!(await claim(p))) return;
        for (;;) {
          const { events: batch, full } = await read(p.position);
          let stopped = false;
          let reread = false;
          for (const e of batch) {
            if (closed) return;
            if (e.seq !== p.position + 1n) {
              const gap = await atGap(p);
              if (gap === "reread") {
                reread = true;
                break;
              }
              if (gap === "wait") {
                stopped = true; // a lower seq may still commit: wait (the next poke or poll reads again)
                break;
              }
            }
            const wanted = !p.sub.types || p.sub.types.includes(e.type);
            if (wanted && !(await deliver(p, e))) {
              stopped = true;
              break;
            }
            advance(p, e.seq);
          }
          if (reread) continue;
          if (stopped || !full) break;
        }
      } while (p.again && !closed && wallMs() >= p.notBefore);
    } catch (err) {
      o.log.warn({ subscriber: p.sub.name, err: (err as Error).message }, "event dispatch paused (database unavailable?)");
    } finally {
      p.running = false;
      // a run that was in flight when its subscriber stopped must not keep the lease
      if (p.sub.durable && (closed || !pumps.has(p))) await release([p]);
    }
  }

  function startListening(): Promise<void> {
    listening ??= (async () => {
      if (!o.listen) return;
      try {
        unlisten = await o.listen(EVENTS_CHANNEL, onNotify);
      } catch (err) {
        o.log.warn({ err: (err as Error).message }, "cannot LISTEN for events; polling only");
      }
    })();
    return listening;
  }

  return {
    async subscribe(sub) {
      await startListening();
      const p: Pump = {
        name: sub.name,
        sub,
        position: 0n,
        ready: false,
        running: false,
        again: false,
        failures: undefined,
        retryTimer: undefined,
        gap: undefined,
        notBefore: 0,
        leaseHeldUntil: 0,
        written: 0n,
        writeTimer: undefined,
      };
      pumps.add(p);
      // a database that is away at start delays the subscriber; it does not stop the process
      await prepare(p).catch((e: Error) => o.log.warn({ subscriber: sub.name, err: e.message }, "event subscriber waits for the database"));
      void run(p);
      return async () => {
        pumps.delete(p);
        clearTimeout(p.retryTimer);
        if (sub.durable) await release([p]);
      };
    },
    poke: pokeAll,
    async close() {
      closed = true;
      clearInterval(poll);
      clearTimeout(notified);
      for (const p of pumps) clearTimeout(p.retryTimer);
      const durable = [...pumps].filter((p) => p.sub.durable);
      pumps.clear();
      await release(durable);
      await unlisten?.().catch(() => {});
    },
  };
}
