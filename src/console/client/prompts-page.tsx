// Prompts: the business's system prompt (published version, else its file) as an editable draft
// ("Prompt"), its problems as `prompts check` shows them (with their line) while typing, "Test"
// (a sandbox answer with tool calls and guard verdicts; nothing sent or booked), "Publish" (refused
// while the draft has an error), history with "Roll back", and the templates with their variables.
import { useCallback, useEffect, useState } from "preact/hooks";
import {
  ZDraftTest,
  ZProblems,
  ZPrompts,
  ZReplayResult,
  ZWriteResult,
  type TDraftTest,
  type TProblem,
  type TPrompts,
  type TReplayResult,
} from "../console-schemas.ts";
import { errorText, getJson, postJson } from "./api.ts";
import { Alert, when, Notice } from "./ui.tsx";

export function PromptsPage({ slug }: { slug: string }) {
  const base = `/api/admin/businesses/${encodeURIComponent(slug)}/prompts`;
  const [data, setData] = useState<TPrompts>();
  const [draft, setDraft] = useState("");
  const [problems, setProblems] = useState<TProblem[]>([]);
  const [message, setMessage] = useState("Hi, my water heater is leaking. Can someone come tomorrow?");
  const [test, setTest] = useState<TDraftTest>();
  const [only, setOnly] = useState("");
  const [replay, setReplay] = useState<TReplayResult>();
  const [error, setError] = useState<string>();
  const [notice, setNotice] = useState<string>();
  const [busy, setBusy] = useState(false);

  const load = useCallback(() => {
    getJson(ZPrompts, base)
      .then((d) => {
        setData(d);
        setDraft(d.published.text);
      })
      .catch((e: unknown) => setError(errorText(e)));
  }, [base]);
  useEffect(load, [load]);

  // problems follow the draft as it is typed
  useEffect(() => {
    if (!data) return;
    const timer = setTimeout(() => {
      postJson(ZProblems, `${base}/check`, { text: draft })
        .then((r) => setProblems(r.problems))
        .catch((e: unknown) => setError(errorText(e)));
    }, 250);
    return () => clearTimeout(timer);
  }, [base, draft, data]);

  async function run(f: () => Promise<void>) {
    setBusy(true);
    setError(undefined);
    try {
      await f();
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  }
  const errors = problems.filter((p) => p.severity === "error");

  return (
    <section>
      <h1>Prompts</h1>
      <Alert message={error} />
      <Notice message={notice} />
      {data ? (
        <div class="prompts">
          <div class="editor">
            <p class="sub">
              Published: {data.published.source}. Variables: {data.variables.map((v) => `{{${v}}}`).join(", ")}
            </p>
            <label for="prompt">Prompt</label>
            <textarea id="prompt" rows={18} spellcheck={false} value={draft} onInput={(e) => setDraft((e.currentTarget as HTMLTextAreaElement).value)} />
            <section aria-label="Problems" class="problems">
              {problems.length === 0 ? (
                <p>No problems.</p>
              ) : (
                <ul>
                  {problems.map((p, i) => (
                    <li key={i} class={p.severity}>
                      line {p.line}: {p.severity === "warning" ? "warning: " : ""}
                      {p.message}
                    </li>
                  ))}
                </ul>
              )}
            </section>
            <div class="actions">
              <button
                type="button"
                disabled={busy || errors.length > 0}
                onClick={() =>
                  void run(async () => {
                    const r = await postJson(ZWriteResult, `${base}/publish`, { text: draft });
                    setNotice(r.message);
                    load();
                  })
                }
              >
                Publish
              </button>
            </div>
            <label for="test-message">Homeowner says</label>
            <input id="test-message" type="text" value={message} onInput={(e) => setMessage((e.currentTarget as HTMLInputElement).value)} />
            <div class="actions">
              <button
                type="button"
                disabled={busy}
                onClick={() => void run(async () => setTest(await postJson(ZDraftTest, `${base}/test`, { text: draft, message })))}
              >
                Test
              </button>
            </div>
            {test ? (
              <section aria-label="Test result" class="test-result">
                <h2>Sandbox answer (nothing was sent or booked)</h2>
                <p class="body">{test.reply ?? "No reply passed the guard: a real turn would hand the conversation to a person."}</p>
                {test.toolCalls.length ? (
                  <ol aria-label="Tool calls">
                    {test.toolCalls.map((c, i) => (
                      <li key={i}>
                        <code>{c.name}</code>({c.arguments}) — not run in the sandbox
                      </li>
                    ))}
                  </ol>
                ) : null}
                <ul aria-label="Guard verdicts">
                  {test.guard.map((g, i) => (
                    <li key={i}>
                      {g.ok ? "✓ passed" : "✗ rejected"}: “{g.reply}”{g.problems.length ? ` — ${g.problems.join("; ")}` : ""}
                    </li>
                  ))}
                </ul>
              </section>
            ) : null}
            <label for="only-evals">Only evals matching (empty: all)</label>
            <input id="only-evals" type="text" value={only} onInput={(e) => setOnly((e.currentTarget as HTMLInputElement).value)} />
            <div class="actions">
              <button
                type="button"
                disabled={busy || errors.length > 0}
                onClick={() => void run(async () => setReplay(await postJson(ZReplayResult, `${base}/replay`, { text: draft, only })))}
              >
                Replay evals
              </button>
              {busy ? <span aria-live="polite">working…</span> : null}
            </div>
            {replay ? (
              <table class="evals">
                <caption>
                  Evals: draft {replay.draft.filter((r) => r.passed).length}/{replay.draft.length} pass, published{" "}
                  {replay.published.filter((r) => r.passed).length}/{replay.published.length} ({replay.realModel ? "the real model" : "scripted"})
                </caption>
                <thead>
                  <tr>
                    <th scope="col">Eval</th>
                    <th scope="col">Draft</th>
                    <th scope="col">Published</th>
                  </tr>
                </thead>
                <tbody>
                  {replay.draft.map((r) => {
                    const p = replay.published.find((x) => x.name === r.name);
                    return (
                      <tr key={r.name}>
                        <th scope="row">{r.name}</th>
                        <td title={r.failures.join("; ")}>{r.passed ? "pass" : `fail: ${r.failures[0] ?? ""}`}</td>
                        <td title={p?.failures.join("; ") ?? ""}>{p ? (p.passed ? "pass" : `fail: ${p.failures[0] ?? ""}`) : "—"}</td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            ) : null}
          </div>
          <aside class="history" aria-label="History">
            <h2>History</h2>
            {data.history.length === 0 ? <p>Nothing published yet: the agent uses {data.published.source}.</p> : null}
            <ul>
              {data.history.map((h) => (
                <li key={h.version}>
                  <strong>v{h.version}</strong> {h.published ? "(in use)" : ""} · {h.note} · {h.actor} · {when(h.createdAt)}{" "}
                  {h.published ? null : (
                    <button
                      type="button"
                      class="secondary"
                      disabled={busy}
                      onClick={() =>
                        void run(async () => {
                          const r = await postJson(ZWriteResult, `${base}/rollback`, { version: h.version });
                          setNotice(r.message);
                          load();
                        })
                      }
                    >
                      Roll back
                    </button>
                  )}
                </li>
              ))}
            </ul>
            <h2>Templates</h2>
            {data.templates.map((t) => (
              <details key={t.name}>
                <summary>
                  {t.name} <small>({t.variables.map((v) => `{{${v}}}`).join(", ") || "no variables"})</small>
                </summary>
                <pre class="template">{t.text}</pre>
              </details>
            ))}
          </aside>
        </div>
      ) : null}
    </section>
  );
}
