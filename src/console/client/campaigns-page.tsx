// Campaigns: a segment (the CLI's grammar) with a live count, the dry run ("Preview": who gets what
// and when, who is skipped and why), "Launch" after a confirmation naming the count, and each
// campaign's progress with Pause / Resume and who did what to it.
import { useCallback, useEffect, useState } from "preact/hooks";
import { ZCampaignPreview, ZCampaigns, ZLaunched, ZSegmentCount, ZWriteResult, type TCampaignPreview, type TCampaignRow } from "../console-schemas.ts";
import { errorText, getJson, postJson } from "./api.ts";
import { Alert, when, Notice } from "./ui.tsx";

export function CampaignsPage({ slug }: { slug: string }) {
  const base = `/api/admin/businesses/${encodeURIComponent(slug)}`;
  const [sequences, setSequences] = useState<{ key: string; name: string }[]>([]);
  const [campaigns, setCampaigns] = useState<TCampaignRow[]>([]);
  const [sequence, setSequence] = useState("");
  const [segment, setSegment] = useState("");
  const [count, setCount] = useState<number>();
  const [preview, setPreview] = useState<TCampaignPreview>();
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState<string>();
  const [notice, setNotice] = useState<string>();
  const [busy, setBusy] = useState(false);

  const load = useCallback(() => {
    getJson(ZCampaigns, `${base}/campaigns`)
      .then((r) => {
        setSequences(r.sequences);
        setCampaigns(r.campaigns);
        setSequence((s) => s || r.sequences[0]?.key || "");
      })
      .catch((e: unknown) => setError(errorText(e)));
  }, [base]);
  useEffect(load, [load]);

  // the live count follows the typing (a short pause first, so each key is not a query)
  useEffect(() => {
    const timer = setTimeout(() => {
      getJson(ZSegmentCount, `${base}/segment-count?segment=${encodeURIComponent(segment)}`)
        .then((r) => {
          setCount(r.count);
          setError(undefined);
        })
        .catch((e: unknown) => {
          setCount(undefined);
          setError(errorText(e));
        });
    }, 200);
    return () => clearTimeout(timer);
  }, [base, segment]);

  async function run<T>(f: () => Promise<T>): Promise<T | undefined> {
    setBusy(true);
    setError(undefined);
    try {
      return await f();
    } catch (e) {
      setError(errorText(e));
      return undefined;
    } finally {
      setBusy(false);
    }
  }

  const doPreview = () => void run(async () => setPreview(await postJson(ZCampaignPreview, `${base}/campaigns/preview`, { sequence, segment })));
  const doLaunch = () =>
    void run(async () => {
      const r = await postJson(ZLaunched, `${base}/campaigns`, { sequence, segment });
      setNotice(r.message);
      setConfirming(false);
      setPreview(undefined);
      load();
    });
  const doSwitch = (id: string, verb: "pause" | "resume") =>
    void run(async () => {
      const r = await postJson(ZWriteResult, `${base}/campaigns/${id}/${verb}`);
      setNotice(r.message);
      load();
    });

  return (
    <section>
      <h1>Campaigns</h1>
      <Alert message={error} />
      <Notice message={notice} />
      {sequences.length === 0 ? (
        <p>No campaign sequence is on for this business (a file under prompts/sequences whose trigger is campaign).</p>
      ) : (
        <form
          class="campaign-form"
          onSubmit={(e) => {
            e.preventDefault();
            doPreview();
          }}
        >
          <label>
            Sequence{" "}
            <select value={sequence} onChange={(e) => setSequence((e.currentTarget as HTMLSelectElement).value)}>
              {sequences.map((s) => (
                <option key={s.key} value={s.key}>
                  {s.name} ({s.key})
                </option>
              ))}
            </select>
          </label>
          <label for="segment">Segment</label>
          <input
            id="segment"
            type="text"
            placeholder="last_job_older_than:12mo tag:furnace zip:100*"
            value={segment}
            onInput={(e) => {
              setSegment((e.currentTarget as HTMLInputElement).value);
              setPreview(undefined);
              setConfirming(false);
            }}
          />
          <p class="live-count" aria-live="polite">
            {count === undefined ? "…" : `${count} contact${count === 1 ? "" : "s"} match`}
          </p>
          <div class="actions">
            <button type="submit" disabled={busy || !sequence}>
              Preview
            </button>
            <button type="button" disabled={busy || !sequence || confirming} onClick={() => setConfirming(true)}>
              Launch
            </button>
          </div>
          {confirming ? (
            <div role="alertdialog" aria-label="Confirm launch" class="confirm">
              <p>
                Send {sequence} to the {count ?? "?"} contact{count === 1 ? "" : "s"} this segment matches? (Those without a phone, opted out, without marketing
                consent or already in it are skipped.)
              </p>
              <button type="button" disabled={busy} onClick={doLaunch}>
                Confirm
              </button>{" "}
              <button type="button" class="secondary" onClick={() => setConfirming(false)}>
                Cancel
              </button>
            </div>
          ) : null}
        </form>
      )}
      {preview ? (
        <section aria-label="Preview" class="preview">
          <h2>
            Preview: {preview.enrolled} would get it, {Object.values(preview.skipped).reduce((a, n) => a + n, 0)} skipped
          </h2>
          <pre class="cli">{preview.lines.join("\n")}</pre>
        </section>
      ) : null}
      <h2>Launched</h2>
      {campaigns.length === 0 ? <p>No campaigns yet.</p> : null}
      <ul class="campaigns">
        {campaigns.map((c) => (
          <li key={c.id} class="campaign" aria-label={`Campaign ${c.sequenceKey} ${when(c.createdAt)}`}>
            <div class="page-head">
              <strong>
                {c.sequenceKey} · <span class={`chip status-${c.status}`}>{c.status}</span>
              </strong>
              {c.status === "running" ? (
                <button type="button" disabled={busy} onClick={() => doSwitch(c.id, "pause")}>
                  Pause
                </button>
              ) : (
                <button type="button" disabled={busy} onClick={() => doSwitch(c.id, "resume")}>
                  Resume
                </button>
              )}
            </div>
            <p class="sub">
              launched {when(c.createdAt)}
              {c.segment ? ` · segment ${c.segment}` : " · every contact"}
            </p>
            <p>
              enrolled {c.enrolled} · skipped {c.skipped} · sent {c.sent} · scheduled {c.scheduled} · replied {c.replied} · opted out {c.optedOut} · booked{" "}
              {c.booked}
            </p>
            <ul class="audit-list">
              {c.audit.map((a) => (
                <li key={a.id}>
                  {a.actor}: {a.action.replace("campaign-", "")} · {when(a.at)}
                </li>
              ))}
            </ul>
          </li>
        ))}
      </ul>
    </section>
  );
}
