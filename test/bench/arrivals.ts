// Texts arriving at the loopback fake Twilio (which runs in the bench's own process), timed on the
// bench's performance clock: the same clock the bench reads when it sends a webhook, so a latency
// never mixes it with the wall clock (Date.now() can be slewed or stepped between the two ends).
export const nowMs = () => performance.timeOrigin + performance.now();

export interface Arrivals {
  /** startLoopbackTwilio's onRequest: a text to `to` arrived now */
  record(to: string): void;
  /** when the first text to `to` arrived */
  first(to: string): number | undefined;
  /** how many texts `to` got */
  count(to: string): number;
  /** the first text's arrival time, or undefined after timeoutMs */
  waitFor(to: string, timeoutMs: number): Promise<number | undefined>;
  /** called on every arrival (after it is recorded); returns the unsubscribe */
  listen(fn: (to: string) => void): () => void;
}

export function createArrivals(): Arrivals {
  const times = new Map<string, number[]>();
  const waiters = new Map<string, Set<() => void>>();
  const listeners = new Set<(to: string) => void>();
  return {
    record(to) {
      const at = nowMs();
      const list = times.get(to);
      if (list) list.push(at);
      else times.set(to, [at]);
      const w = waiters.get(to);
      if (w) {
        waiters.delete(to);
        for (const f of w) f();
      }
      for (const f of listeners) f(to);
    },
    first: (to) => times.get(to)?.[0],
    count: (to) => times.get(to)?.length ?? 0,
    waitFor(to, timeoutMs) {
      const at = times.get(to)?.[0];
      if (at !== undefined) return Promise.resolve(at);
      return new Promise((ok) => {
        const done = () => {
          clearTimeout(timer);
          ok(times.get(to)?.[0]);
        };
        const timer = setTimeout(() => {
          waiters.get(to)?.delete(done);
          ok(undefined);
        }, timeoutMs);
        timer.unref(); // a wait given up on must not hold the bench's exit
        let w = waiters.get(to);
        if (!w) waiters.set(to, (w = new Set()));
        w.add(done);
      });
    },
    listen(fn) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
  };
}

/** Phone numbers no other part of the bench uses: +1 AREA then a 7-digit counter (E.164 "possible"). */
export function phoneSeries(area: string): () => string {
  let n = 0;
  return () => `+1${area}${String(++n).padStart(7, "0")}`;
}
