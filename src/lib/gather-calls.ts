// Group commit: calls made in the same turn of the event loop run as one batch when that turn ends
// (setImmediate), so a burst costs one round trip per turn instead of one per call. A lone call waits
// for nothing but the rest of its own turn. If a batch fails, each of its calls runs again alone, so
// one bad item (a row the database refuses) fails only its own caller.

export type RunBatch<I, O> = (items: I[]) => Promise<O[]>;

/** `runBatch` answers one output per item, in the items' order. */
export function gatherCalls<I, O>(runBatch: RunBatch<I, O>, maxBatch = 100): (item: I) => Promise<O> {
  let pending: { item: I; ok: (o: O) => void; fail: (e: unknown) => void }[] = [];

  const run = (calls: typeof pending) => {
    new Promise<O[]>((r) => r(runBatch(calls.map((c) => c.item)))).then(
      (out) => calls.forEach((c, i) => c.ok(out[i]!)),
      (e: unknown) => {
        if (calls.length === 1) calls[0]!.fail(e);
        else for (const c of calls) run([c]);
      },
    );
  };
  const flush = () => {
    const calls = pending;
    pending = [];
    if (calls.length) run(calls);
  };

  return (item) =>
    new Promise<O>((ok, fail) => {
      if (pending.length === 0) setImmediate(flush);
      pending.push({ item, ok, fail });
      if (pending.length >= maxBatch) flush();
    });
}
