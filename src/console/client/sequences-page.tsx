// Sequences: each definition (trigger, steps, stop conditions), its active enrollments here, and a
// switch to turn it off (or on) for this business.
import { useCallback, useEffect, useState } from "preact/hooks";
import { ZSequences, ZWriteResult, type TSequenceRow } from "../console-schemas.ts";
import { errorText, getJson, postJson } from "./api.ts";
import { Alert, Link, when, Notice } from "./ui.tsx";

export function SequencesPage({ slug }: { slug: string }) {
  const base = `/api/admin/businesses/${encodeURIComponent(slug)}/sequences`;
  const [rows, setRows] = useState<TSequenceRow[]>();
  const [error, setError] = useState<string>();
  const [notice, setNotice] = useState<string>();
  const load = useCallback(() => {
    getJson(ZSequences, base)
      .then((r) => setRows(r.sequences))
      .catch((e: unknown) => setError(errorText(e)));
  }, [base]);
  useEffect(load, [load]);

  const flip = (key: string, enabled: boolean) => {
    postJson(ZWriteResult, `${base}/${key}`, { enabled })
      .then((r) => {
        setNotice(r.message);
        load();
      })
      .catch((e: unknown) => setError(errorText(e)));
  };

  return (
    <section>
      <h1>Sequences</h1>
      <Alert message={error} />
      <Notice message={notice} />
      {rows?.map((s) => (
        <section key={s.key} class="sequence" aria-label={s.name}>
          <div class="page-head">
            <h2>
              {s.name} <small>({s.key})</small>
            </h2>
            <label class="switch">
              <input type="checkbox" role="switch" checked={s.enabled} onChange={(e) => flip(s.key, (e.currentTarget as HTMLInputElement).checked)} />
              {s.enabled ? "On" : "Off"} for this business
            </label>
          </div>
          <p class="sub">
            starts on {s.trigger} · {s.purpose} · stops when {s.stopWhen.join(", ") || "never"}
            {s.description ? ` · ${s.description}` : ""}
          </p>
          <ol class="steps">
            {s.steps.map((st, i) => (
              <li key={i}>
                <strong>{st.when}</strong>
                {st.ai ? " (AI-written, this as fallback)" : ""}: {st.template}
              </li>
            ))}
          </ol>
          <p>
            {s.activeCount} active enrollment{s.activeCount === 1 ? "" : "s"}
            {s.activeCount > s.active.length ? ` (the next ${s.active.length} shown)` : ""}
          </p>
          {s.active.length ? (
            <ul>
              {s.active.map((e) => (
                <li key={e.id}>
                  {e.conversationId ? <Link href={`/console/conversations/${e.conversationId}`}>{e.contact}</Link> : e.contact} · step {e.step + 1}
                  {e.nextAt ? ` due ${when(e.nextAt)}` : ""}
                </li>
              ))}
            </ul>
          ) : null}
        </section>
      ))}
    </section>
  );
}
