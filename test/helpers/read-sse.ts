// Reads a server-sent-event stream in a test. One read of the body is pending at a time and is
// kept across waits: racing a fresh `reader.read()` against a timer on every loop abandons the read
// the timer beat, and the next chunk goes to that abandoned read and is lost (reads are answered in
// order). That race made the web-chat tests lose any event that came after 500 ms of quiet.

export interface SseEvent {
  event: string;
  id?: string;
  data: string;
}

export interface SseReader {
  /** events parsed so far, in order */
  readonly events: SseEvent[];
  /** waits until `until(events)` holds (true) or the deadline passes or the stream ends (false) */
  waitUntil(until: (events: SseEvent[]) => boolean, ms: number): Promise<boolean>;
  close(): void;
}

/** Parses the complete blocks of `buf` (separated by a blank line); returns the events and the rest. */
export function parseSseBlocks(buf: string): { events: SseEvent[]; rest: string } {
  const events: SseEvent[] = [];
  const norm = buf.replace(/\r\n?/g, "\n");
  let rest = norm;
  let i: number;
  while ((i = rest.indexOf("\n\n")) >= 0) {
    const block = rest.slice(0, i);
    rest = rest.slice(i + 2);
    let event = "message";
    let id: string | undefined;
    const data: string[] = [];
    for (const line of block.split("\n")) {
      if (!line || line.startsWith(":")) continue; // a comment (keep-alive)
      const colon = line.indexOf(":");
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
      if (field === "event") event = value;
      else if (field === "id") id = value;
      else if (field === "data") data.push(value);
    }
    if (data.length) events.push({ event, data: data.join("\n"), ...(id !== undefined ? { id } : {}) });
  }
  return { events, rest };
}

/** Wraps a fetch response whose body is an event stream; `abort` ends the request on close. */
export function readSse(body: ReadableStream<Uint8Array>, abort: () => void): SseReader {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  const events: SseEvent[] = [];
  let buf = "";
  let ended = false;
  let pending: Promise<void> | undefined;

  /** the one read in flight; it parses what it gets before it settles */
  function readOnce(): Promise<void> {
    pending ??= reader.read().then(
      ({ value, done }) => {
        pending = undefined;
        if (done) ended = true;
        if (value) buf += decoder.decode(value, { stream: true });
        const parsed = parseSseBlocks(buf);
        buf = parsed.rest;
        events.push(...parsed.events);
      },
      () => {
        pending = undefined;
        ended = true;
      },
    );
    return pending;
  }

  return {
    events,
    async waitUntil(until, ms) {
      const deadline = Date.now() + ms;
      let timer: NodeJS.Timeout | undefined;
      const timeUp = new Promise<"time">((r) => (timer = setTimeout(() => r("time"), ms)));
      try {
        while (!until(events)) {
          if (ended || Date.now() >= deadline) return false;
          // the read is not abandoned when time is up: it stays pending for the next wait
          if ((await Promise.race([readOnce(), timeUp])) === "time") return until(events);
        }
        return true;
      } finally {
        clearTimeout(timer);
      }
    },
    close() {
      ended = true;
      // cancel the body first: that is what makes fetch drop the connection at once (an abort alone,
      // on a body nobody is reading, can leave the server's socket open for seconds)
      reader.cancel().catch(() => undefined);
      abort();
    },
  };
}

/** Opens `url` as an event stream (fetch with an abort signal) and returns its reader. */
export async function openSse(url: string, headers: Record<string, string> = {}): Promise<{ res: Response; sse: SseReader }> {
  const ac = new AbortController();
  const res = await fetch(url, { signal: ac.signal, headers: { accept: "text/event-stream", ...headers } });
  if (!res.body) throw new Error(`no body from ${url} (${res.status})`);
  return { res, sse: readSse(res.body, () => ac.abort()) };
}
