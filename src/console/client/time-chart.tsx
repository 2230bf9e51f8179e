// A line chart over calendar periods (days, weeks, months, years) drawn by uPlot, inside a role="img"
// container whose aria-label names the figure, described (aria-describedby) by the line under its
// caption that says what is drawn; the numbers are also in a table beside it. Periods are
// the business's own dates (YYYY-MM-DD): they are placed and labelled as UTC dates, so the browser's
// zone never shifts a day.
import { useEffect, useRef } from "preact/hooks";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import type { BarSeries } from "./bar-chart.tsx";

const utcSeconds = (day: string) => Date.parse(`${day}T00:00:00Z`) / 1000;

export function TimeChart({
  title,
  description,
  periods,
  series,
  unit,
  wide,
}: {
  title: string;
  description: string;
  periods: string[];
  series: BarSeries[];
  unit?: string;
  /** the whole row of the charts' grid */
  wide?: boolean;
}) {
  const box = useRef<HTMLDivElement>(null);
  const id = `chart-${title.toLowerCase().replace(/[^a-z0-9]+/g, "-")}`;
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const xs = periods.map(utcSeconds);
    const plot = new uPlot(
      {
        width: Math.max(260, el.clientWidth),
        height: 220,
        tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), "Etc/UTC"),
        legend: { show: series.length > 1, live: false },
        cursor: { show: false },
        scales: { y: { range: (_u, _min, max) => [0, max > 0 ? max * 1.15 : 1] } },
        axes: [{ gap: 4 }, { values: (_u, splits) => splits.map((v) => `${v}${unit ?? ""}`), size: 64 }],
        series: [
          {},
          // a period without an answered lead is a gap in its line, not a zero
          ...series.map((s) => ({ label: s.label, stroke: s.color, width: 2, spanGaps: false, points: { show: true, size: 5, fill: s.color } })),
        ],
      },
      [xs, ...series.map((s) => s.values)],
      el,
    );
    return () => plot.destroy();
  }, [periods, series, unit]);
  return (
    <figure class={wide ? "chart chart-wide" : "chart"}>
      <figcaption>{title}</figcaption>
      <p id={id} class="chart-note">
        {description}
      </p>
      <div ref={box} role="img" aria-label={title} aria-describedby={id} />
    </figure>
  );
}
