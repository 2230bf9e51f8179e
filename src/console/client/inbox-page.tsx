// Inbox: the business's conversations, newest first, a page at a time; live over SSE (a change
// reloads the first page and merges it in). "Needs attention" filters to hand-offs, emergencies,
// flagged leads and conversations where the homeowner wrote last, with their count.
import { useCallback, useEffect, useRef, useState } from "preact/hooks";
import { ZInbox, type TInboxRow } from "../console-schemas.ts";
import { errorText, getJson } from "./api.ts";
import { Alert, channelLabel, Link, when } from "./ui.tsx";

const PAGE = 50;

function merge(rows: TInboxRow[], fresh: TInboxRow[]): TInboxRow[] {
  const byId = new Map(rows.map((r) => [r.id, r]));
  for (const r of fresh) byId.set(r.id, r);
  return [...byId.values()].sort((a, b) => (b.lastMessageAt ?? "").localeCompare(a.lastMessageAt ?? ""));
}

export function InboxPage({ slug }: { slug: string }) {
  const [rows, setRows] = useState<TInboxRow[]>([]);
  const [count, setCount] = useState(0);
  const [next, setNext] = useState<string | null>(null);
  const [attention, setAttention] = useState(false);
  const [error, setError] = useState<string>();
  const [loaded, setLoaded] = useState(false);
  const gen = useRef(0);
  const replacing = useRef(false);

  const url = useCallback(
    (before?: string) =>
      `/api/admin/businesses/${encodeURIComponent(slug)}/conversations?limit=${PAGE}${attention ? "&needsAttention=true" : ""}${before ? `&before=${encodeURIComponent(before)}` : ""}`,
    [slug, attention],
  );

  const reload = useCallback(
    (wanted: boolean) => {
      const mine = ++gen.current;
      // a newer reload supersedes an older one, and takes over its pending replace (first load, filter switch)
      const replace = wanted || replacing.current;
      replacing.current = replace;
      getJson(ZInbox, url())
        .then((page) => {
          if (mine !== gen.current) return;
          replacing.current = false;
          setRows((old) =>
            replace
              ? page.conversations
              : merge(attention ? old.filter((r) => page.conversations.some((p) => p.id === r.id) || r.needsAttention) : old, page.conversations),
          );
          setCount(page.needsAttentionCount);
          if (replace) setNext(page.nextBefore);
          setLoaded(true);
          setError(undefined);
        })
        .catch((e: unknown) => setError(errorText(e)));
    },
    [url, attention],
  );

  useEffect(() => reload(true), [reload]);

  useEffect(() => {
    const source = new EventSource(`/api/admin/businesses/${encodeURIComponent(slug)}/inbox/stream`);
    let timer: ReturnType<typeof setTimeout> | undefined;
    // a burst of events (message + status + lead) is one reload
    source.addEventListener("change", () => {
      clearTimeout(timer);
      timer = setTimeout(() => reload(false), 100);
    });
    // after a reconnect, whatever happened meanwhile
    source.addEventListener("ready", () => reload(false));
    return () => {
      clearTimeout(timer);
      source.close();
    };
  }, [slug, reload]);

  const more = () => {
    if (!next) return;
    getJson(ZInbox, url(next))
      .then((page) => {
        setRows((old) => merge(old, page.conversations));
        setNext(page.nextBefore);
      })
      .catch((e: unknown) => setError(errorText(e)));
  };

  return (
    <section>
      <div class="page-head">
        <h1>Inbox</h1>
        <button
          type="button"
          class="toggle"
          aria-pressed={attention}
          aria-label="Needs attention"
          aria-describedby="attention-count"
          onClick={() => setAttention((a) => !a)}
        >
          Needs attention{" "}
          <span class="count" id="attention-count" title={`${count} need attention`}>
            {count}
          </span>
        </button>
      </div>
      <Alert message={error} />
      {loaded && rows.length === 0 ? <p>{attention ? "Nothing needs attention." : "No conversations yet."}</p> : null}
      <ul class="inbox" aria-label="Conversations">
        {rows.map((c) => (
          <li key={c.id} class={c.needsAttention ? "row attention" : "row"}>
            <div class="who">
              <Link href={`/console/conversations/${c.id}`}>{c.contact.name ?? c.contact.phone ?? c.contact.email ?? "Unknown contact"}</Link>
              <time dateTime={c.lastMessageAt ?? ""}>{when(c.lastMessageAt)}</time>
            </div>
            <div class="meta">
              {c.channels.map((ch) => (
                <span key={ch} class="chip">
                  {channelLabel(ch)}
                </span>
              ))}
              {c.lead ? <span class={`chip stage-${c.lead.stage}`}>{c.lead.stage}</span> : null}
              {c.lead?.source ? <span class="chip">{c.lead.source}</span> : null}
              {c.handledBy === "human" ? <span class="chip human">person</span> : <span class="chip">AI</span>}
              {c.needsAttention ? <span class="chip warn">needs attention</span> : null}
            </div>
            <p class="last">
              {c.lastMessage ? `${c.lastMessage.direction === "inbound" ? "" : "↩ "}${c.lastMessage.body || `(${c.lastMessage.channel})`}` : ""}
            </p>
          </li>
        ))}
      </ul>
      {next ? (
        <button type="button" class="more" onClick={more}>
          Load more conversations
        </button>
      ) : null}
    </section>
  );
}
