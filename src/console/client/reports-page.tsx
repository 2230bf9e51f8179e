// Reports for a date range: the very figures GET /api/admin/businesses/:slug/reports answers,
// charted (speed to lead over time, leads by source, first response by source, missed calls
// recovered, booked rate, revenue by source) and tabled, with a CSV export of the per-source rows.
import { useEffect, useMemo, useState } from "preact/hooks";
import { ZReport, type TReport } from "../console-schemas.ts";
import { errorText, getJson } from "./api.ts";
import { BarChart } from "./bar-chart.tsx";
import { TimeChart } from "./time-chart.tsx";
import { Alert } from "./ui.tsx";

type SourceRow = TReport["bySource"][number];

/** what one point of the over-time series covers, in words */
const PER: Record<TReport["speedToLead"]["bucket"], string> = { day: "day", week: "ISO week (dated by its Monday)", month: "month", year: "year" };

const pct = (n: number, d: number) => (d > 0 ? Math.round((1000 * n) / d) / 10 : null);

function csvOf(r: TReport): string {
  const rows: SourceRow[] = r.bySource;
  const cell = (v: unknown) => {
    const s = v === null || v === undefined ? "" : String(v);
    return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  const head = ["source", "leads", "responded", "median_first_response_s", "p90_first_response_s", "booked", "won", "booked_rate_pct", "revenue"];
  const body = rows.map((x) => [
    x.source,
    x.leads,
    x.responded,
    x.medianFirstResponseSeconds,
    x.p90FirstResponseSeconds,
    x.booked,
    x.won,
    pct(x.booked, x.leads),
    x.revenue,
  ]);
  return [head, ...body].map((line) => line.map(cell).join(",")).join("\n") + "\n";
}

export function ReportsPage({ slug }: { slug: string }) {
  // empty at first: the server's default range (the business's last 30 days), then what it said
  const [from, setFrom] = useState("");
  const [to, setTo] = useState("");
  const [report, setReport] = useState<TReport>();
  const [error, setError] = useState<string>();

  useEffect(() => {
    const range = from && to ? `?from=${from}&to=${to}` : "";
    getJson(ZReport, `/api/admin/businesses/${encodeURIComponent(slug)}/reports${range}`)
      .then((r) => {
        setReport(r);
        setFrom(r.from);
        setTo(r.to);
        setError(undefined);
      })
      .catch((e: unknown) => setError(errorText(e)));
  }, [slug, from, to]);

  const rows = useMemo<SourceRow[]>(() => report?.bySource ?? [], [report]);
  const sources = useMemo(() => rows.map((r) => r.source), [rows]);
  const points = useMemo(() => report?.speedToLead.series ?? [], [report]);
  const periods = useMemo(() => points.map((p) => p.period), [points]);
  const charts = useMemo(
    () => ({
      overTime: [
        { label: "p90 (s)", values: points.map((p) => p.p90FirstResponseSeconds), color: "#e8890c" },
        { label: "Median (s)", values: points.map((p) => p.medianFirstResponseSeconds), color: "#1f5eff" },
      ],
      leads: [{ label: "Leads", values: rows.map((r) => r.leads), color: "#1f5eff" }],
      speed: [
        { label: "p90 (s)", values: rows.map((r) => r.p90FirstResponseSeconds), color: "#f6c177" },
        { label: "Median (s)", values: rows.map((r) => r.medianFirstResponseSeconds), color: "#1f5eff" },
      ],
      missed: report ? [{ label: "Calls", values: [report.missedCalls.missed, report.missedCalls.textedBack], color: "#2b8a3e" }] : [],
      booked: [{ label: "Booked rate (%)", values: rows.map((r) => pct(r.booked, r.leads)), color: "#7048e8" }],
      revenue: [{ label: "Revenue ($)", values: rows.map((r) => r.revenue), color: "#2b8a3e" }],
    }),
    [rows, points, report],
  );

  const download = () => {
    if (!report) return;
    const url = URL.createObjectURL(new Blob([csvOf(report)], { type: "text/csv" }));
    const a = document.createElement("a");
    a.href = url;
    a.download = `leadline-${report.business}-${report.from}-${report.to}.csv`;
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  };

  return (
    <section>
      <div class="page-head">
        <h1>Reports</h1>
        <div class="range">
          <label>
            From <input type="date" value={from} onChange={(e) => setFrom((e.currentTarget as HTMLInputElement).value)} />
          </label>
          <label>
            To <input type="date" value={to} onChange={(e) => setTo((e.currentTarget as HTMLInputElement).value)} />
          </label>
          <button type="button" onClick={download} disabled={!report}>
            Export CSV
          </button>
        </div>
      </div>
      <Alert message={error} />
      {report ? (
        <>
          <dl class="figures" aria-label="Totals">
            <div>
              <dt>Leads</dt>
              <dd data-figure="leads">{report.speedToLead.leads}</dd>
            </div>
            <div>
              <dt>Median first response</dt>
              <dd data-figure="median">{report.speedToLead.medianSeconds === null ? "—" : `${report.speedToLead.medianSeconds} s`}</dd>
            </div>
            <div>
              <dt>p90 first response</dt>
              <dd data-figure="p90">{report.speedToLead.p90Seconds === null ? "—" : `${report.speedToLead.p90Seconds} s`}</dd>
            </div>
            <div>
              <dt>Missed calls texted back</dt>
              <dd data-figure="missed">
                {report.missedCalls.textedBack} of {report.missedCalls.missed}
              </dd>
            </div>
            <div>
              <dt>Revenue</dt>
              <dd data-figure="revenue">${report.revenue.toLocaleString()}</dd>
            </div>
          </dl>
          <div class="charts">
            <TimeChart
              title="Speed to lead"
              description={`Median and p90 first-response seconds, per ${PER[report.speedToLead.bucket]}`}
              periods={periods}
              series={charts.overTime}
              unit=" s"
              wide
            />
            <BarChart title="Leads by source" categories={sources} series={charts.leads} />
            <BarChart title="First response by source" categories={sources} series={charts.speed} unit=" s" />
            <BarChart title="Missed calls recovered" categories={["Missed", "Texted back"]} series={charts.missed} />
            <BarChart title="Booked rate" categories={sources} series={charts.booked} unit="%" />
            <BarChart title="Revenue by source" categories={sources} series={charts.revenue} prefix="$" />
          </div>
          <table class="by-source">
            <caption>By source</caption>
            <thead>
              <tr>
                <th scope="col">Source</th>
                <th scope="col">Leads</th>
                <th scope="col">Responded</th>
                <th scope="col">Median (s)</th>
                <th scope="col">p90 (s)</th>
                <th scope="col">Booked</th>
                <th scope="col">Won</th>
                <th scope="col">Revenue</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.source}>
                  <th scope="row">{r.source}</th>
                  <td>{r.leads}</td>
                  <td>{r.responded}</td>
                  <td>{r.medianFirstResponseSeconds ?? "—"}</td>
                  <td>{r.p90FirstResponseSeconds ?? "—"}</td>
                  <td>{r.booked}</td>
                  <td>{r.won}</td>
                  <td>{r.revenue}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <details class="over-time">
            <summary>Speed to lead per {PER[report.speedToLead.bucket]}, as a table</summary>
            <table class="by-source">
              <caption>Speed to lead over time</caption>
              <thead>
                <tr>
                  <th scope="col">Period</th>
                  <th scope="col">Leads</th>
                  <th scope="col">Responded</th>
                  <th scope="col">Median (s)</th>
                  <th scope="col">p90 (s)</th>
                </tr>
              </thead>
              <tbody>
                {points.map((p) => (
                  <tr key={p.period}>
                    <th scope="row">{p.period}</th>
                    <td>{p.leads}</td>
                    <td>{p.responded}</td>
                    <td>{p.medianFirstResponseSeconds ?? "—"}</td>
                    <td>{p.p90FirstResponseSeconds ?? "—"}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </details>
        </>
      ) : null}
    </section>
  );
}
