// One conversation: the whole timeline (messages with media and delivery status, calls with their
// voicemail, the AI's turns with tool calls and guard verdicts, console actions and notes), the
// controls a dispatcher needs (Take over / Resume AI, Reply + Send, Note) and the lead card.
import { Fragment } from "preact";
import { useCallback, useEffect, useState } from "preact/hooks";
import { ZConversation, ZWriteResult, type TAudit, type TConversation, type TTimelineMessage, type TTurn } from "../console-schemas.ts";
import { ApiError, errorText, getJson, postJson } from "./api.ts";
import { Alert, channelLabel, Link, when, Notice } from "./ui.tsx";

type Item =
  | { kind: "message"; at: string; m: TTimelineMessage; turn: TTurn | undefined }
  | { kind: "call"; at: string; c: TConversation["calls"][number] }
  | { kind: "turn"; at: string; t: TTurn }
  | { kind: "audit"; at: string; a: TAudit };

function timeline(c: TConversation): Item[] {
  const replied = new Map(c.turns.filter((t) => t.replyMessageId).map((t) => [t.replyMessageId, t]));
  const items: Item[] = [
    ...c.messages.map((m): Item => ({ kind: "message", at: m.createdAt, m, turn: replied.get(m.id) })),
    ...c.calls.map((k): Item => ({ kind: "call", at: k.createdAt, c: k })),
    // turns that sent nothing (handed off, skipped, failed) still show what the agent did
    ...c.turns.filter((t) => !t.replyMessageId).map((t): Item => ({ kind: "turn", at: t.startedAt, t })),
    ...c.audit.map((a): Item => ({ kind: "audit", at: a.at, a })),
  ];
  return items.sort((x, y) => x.at.localeCompare(y.at));
}

const WHO: Record<string, string> = { contact: "Homeowner", ai: "AI", template: "Auto-reply", human: "Office", system: "System" };

function TurnDetails({ t }: { t: TTurn }) {
  return (
    <details class="turn">
      <summary>
        AI turn · {t.status} · {t.toolCalls.length} tool call{t.toolCalls.length === 1 ? "" : "s"} · guard{" "}
        {t.guard.length === 0 ? "—" : t.guard.every((g) => g.ok) ? "passed" : "rejected a draft"}
      </summary>
      {t.toolCalls.length ? (
        <ol aria-label="Tool calls">
          {t.toolCalls.map((tc, i) => (
            <li key={i}>
              <code>{tc.name}</code>({JSON.stringify(tc.arguments ?? {})}) → <code>{JSON.stringify(tc.result ?? null)}</code>
            </li>
          ))}
        </ol>
      ) : null}
      {t.guard.length ? (
        <ul aria-label="Guard verdicts">
          {t.guard.map((g, i) => (
            <li key={i}>
              {g.ok ? "✅ passed" : "⛔ rejected"}
              {g.reply ? `: “${g.reply}”` : ""}
              {g.problems?.length ? ` — ${g.problems.map((p) => (typeof p === "string" ? p : JSON.stringify(p))).join("; ")}` : ""}
            </li>
          ))}
        </ul>
      ) : null}
      {t.error ? <p class="error-text">Error: {t.error}</p> : null}
    </details>
  );
}

function MessageItem({ m, turn }: { m: TTimelineMessage; turn: TTurn | undefined }) {
  const out = m.direction === "outbound";
  const held = m.status === "scheduled" || m.status === "blocked";
  return (
    <li class={`msg ${out ? "out" : "in"} author-${m.author}`}>
      <div class="msg-head">
        <span>{m.author === "human" && m.authorName ? `${WHO.human} (${m.authorName})` : (WHO[m.author] ?? m.author)}</span>
        <span class="chip">{channelLabel(m.channel)}</span>
        <time dateTime={m.createdAt}>{when(m.createdAt)}</time>
      </div>
      {m.body ? <p class="body">{m.body}</p> : null}
      {m.media.map((x) =>
        (x.contentType ?? "").startsWith("image/") ? (
          <img key={x.url} src={x.url} alt="Picture sent with the message" class="media" loading="lazy" />
        ) : (
          <a key={x.url} href={x.url} rel="noreferrer" target="_blank">
            attachment ({x.contentType ?? "file"})
          </a>
        ),
      )}
      {out ? (
        <p class={`status status-${m.status}`}>
          {held
            ? `${m.status === "scheduled" ? "Scheduled" : "Blocked"}${m.sendAt && m.status === "scheduled" ? ` for ${when(m.sendAt)}` : ""}${m.holdReason ? ` — ${m.holdReason}` : ""}`
            : m.status}
          {m.errorCode ? ` · error ${m.errorCode}${m.errorMessage ? ` (${m.errorMessage})` : ""}` : ""}
        </p>
      ) : null}
      {turn ? <TurnDetails t={turn} /> : null}
    </li>
  );
}

function AuditItem({ a }: { a: TAudit }) {
  const detail = (a.detail ?? {}) as { text?: string };
  if (a.action === "note")
    return (
      <li class="note">
        <div class="msg-head">
          <span>Internal note · {a.actor}</span>
          <time dateTime={a.at}>{when(a.at)}</time>
        </div>
        <p class="body">{detail.text}</p>
      </li>
    );
  return (
    <li class="audit">
      {a.actor}: {a.action.replace(/-/g, " ")} · <time dateTime={a.at}>{when(a.at)}</time>
    </li>
  );
}

export function ConversationPage({ id }: { id: string }) {
  const [c, setC] = useState<TConversation>();
  const [missing, setMissing] = useState(false);
  const [error, setError] = useState<string>();
  const [notice, setNotice] = useState<string>();
  const [reply, setReply] = useState("");
  const [note, setNote] = useState("");
  const [busy, setBusy] = useState(false);

  const load = useCallback(() => {
    getJson(ZConversation, `/api/admin/conversations/${encodeURIComponent(id)}`)
      .then((x) => {
        setC(x);
        setMissing(false);
      })
      .catch((e: unknown) => (e instanceof ApiError && (e.status === 404 || e.status === 400) ? setMissing(true) : setError(errorText(e))));
  }, [id]);
  useEffect(load, [load]);

  const slug = c?.business;
  useEffect(() => {
    if (!slug) return;
    const source = new EventSource(`/api/admin/businesses/${encodeURIComponent(slug)}/inbox/stream`);
    let timer: ReturnType<typeof setTimeout> | undefined;
    source.addEventListener("change", (e) => {
      if ((JSON.parse((e as MessageEvent<string>).data) as { conversationId: string }).conversationId !== id) return;
      clearTimeout(timer);
      timer = setTimeout(load, 100);
    });
    return () => {
      clearTimeout(timer);
      source.close();
    };
  }, [slug, id, load]);

  async function act(path: string, body?: unknown, after?: () => void): Promise<void> {
    setBusy(true);
    setError(undefined);
    try {
      const r = await postJson(ZWriteResult, `/api/admin/conversations/${encodeURIComponent(id)}/${path}`, body);
      setNotice(r.message);
      after?.();
      load();
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  }

  if (missing)
    return (
      <section>
        <h1>Conversation not found</h1>
        <p>
          There is no such conversation here. <Link href="/console">Back to the inbox</Link>
        </p>
      </section>
    );
  if (!c) return <Alert message={error} />;
  const name = c.contact.name ?? c.contact.phone ?? c.contact.email ?? "Unknown contact";
  const lead = c.lead;
  const answers = lead && typeof lead.answers === "object" && lead.answers ? Object.entries(lead.answers as Record<string, unknown>) : [];
  const utm = lead ? Object.entries(lead.utm).filter(([, v]) => v) : [];

  return (
    <div class="conversation">
      <section class="thread" aria-label="Conversation">
        <div class="page-head">
          <h1>{name}</h1>
          {c.handledBy === "ai" ? (
            <button type="button" disabled={busy} onClick={() => void act("take-over")}>
              Take over
            </button>
          ) : (
            <button type="button" disabled={busy} onClick={() => void act("resume-ai")}>
              Resume AI
            </button>
          )}
        </div>
        <p class="sub">
          {c.contact.phone} {c.contact.optedOut ? <strong class="warn">· opted out</strong> : null} ·{" "}
          {c.handledBy === "ai" ? "the AI answers" : "a person answers"} · {c.status}
        </p>
        <Alert message={error} />
        <Notice message={notice} />
        <ol class="timeline" aria-label="Timeline">
          {timeline(c).map((it) => {
            if (it.kind === "message") return <MessageItem key={it.m.id} m={it.m} turn={it.turn} />;
            if (it.kind === "audit") return <AuditItem key={it.a.id} a={it.a} />;
            if (it.kind === "turn")
              return (
                <li key={it.t.id} class="msg out author-ai">
                  <TurnDetails t={it.t} />
                </li>
              );
            const k = it.c;
            return (
              <li key={k.id} class="call">
                <div class="msg-head">
                  <span>☎ Call · {k.status}</span>
                  {k.missedReason ? <span class="chip">{k.missedReason}</span> : null}
                  <time dateTime={k.createdAt}>{when(k.createdAt)}</time>
                </div>
                {k.recordingUrl ? (
                  <p>
                    <a href={k.recordingUrl} rel="noreferrer" target="_blank">
                      Voicemail recording
                    </a>
                  </p>
                ) : null}
                {k.transcription ? <p class="body">Voicemail: “{k.transcription}”</p> : null}
              </li>
            );
          })}
        </ol>
        <form
          class="compose"
          onSubmit={(e) => {
            e.preventDefault();
            void act("reply", { text: reply }, () => setReply(""));
          }}
        >
          <label for="reply">Reply</label>
          <textarea id="reply" rows={3} maxLength={1600} value={reply} onInput={(e) => setReply((e.currentTarget as HTMLTextAreaElement).value)} />
          <button type="submit" disabled={busy}>
            Send
          </button>
        </form>
        <form
          class="compose note-form"
          onSubmit={(e) => {
            e.preventDefault();
            void act("note", { text: note }, () => setNote(""));
          }}
        >
          <label for="note">Note</label>
          <textarea id="note" rows={2} maxLength={2000} value={note} onInput={(e) => setNote((e.currentTarget as HTMLTextAreaElement).value)} />
          <button type="submit" disabled={busy}>
            Add note
          </button>
        </form>
      </section>
      <aside class="lead-card" aria-label="Lead">
        <h2>Lead</h2>
        {lead ? (
          <>
            <dl>
              <dt>Stage</dt>
              <dd>{lead.stage}</dd>
              <dt>Source</dt>
              <dd>{lead.source ?? "—"}</dd>
              {utm.map(([k, v]) => (
                <Fragment key={`utm-${k}`}>
                  <dt>utm_{k}</dt>
                  <dd>{v}</dd>
                </Fragment>
              ))}
              {answers.map(([k, v]) => (
                <Fragment key={`a-${k}`}>
                  <dt>{k}</dt>
                  <dd>{typeof v === "string" ? v : JSON.stringify(v)}</dd>
                </Fragment>
              ))}
            </dl>
            <div class="stage-buttons">
              {(["booked", "lost", "spam"] as const).map((s) => (
                <button key={s} type="button" disabled={busy || lead.stage === s} onClick={() => void act("stage", { stage: s })}>
                  Mark {s}
                </button>
              ))}
            </div>
          </>
        ) : (
          <p>No lead for this conversation.</p>
        )}
        <h2>Visits</h2>
        {c.appointments.length ? (
          <ul>
            {c.appointments.map((a) => (
              <li key={a.id}>
                {when(a.start)} · {a.status}
              </li>
            ))}
          </ul>
        ) : (
          <p>None booked.</p>
        )}
      </aside>
    </div>
  );
}
