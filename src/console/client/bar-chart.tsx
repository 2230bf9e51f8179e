// A bar chart drawn by uPlot (a ~50 KB canvas chart library) over named categories, inside a
// role="img" container whose aria-label names the figure; the numbers are also in a table beside it.
import { useEffect, useRef } from "preact/hooks";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";

export interface BarSeries {
  label: string;
  values: (number | null)[];
  color: string;
}

/** several series are drawn over each other, widest first (e.g. p90 behind the median), so list them widest first */
export function BarChart({
  title,
  categories,
  series,
  unit,
  prefix,
}: {
  title: string;
  categories: string[];
  series: BarSeries[];
  unit?: string;
  prefix?: string;
}) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const xs = categories.map((_, i) => i);
    const n = series.length;
    const plot = new uPlot(
      {
        width: Math.max(260, el.clientWidth),
        height: 220,
        legend: { show: n > 1, live: false },
        cursor: { show: false },
        scales: { x: { time: false, range: [-0.6, Math.max(0, categories.length - 1) + 0.6] }, y: { range: (_u, _min, max) => [0, max > 0 ? max * 1.15 : 1] } },
        axes: [
          { values: (_u, splits) => splits.map((v) => (Number.isInteger(v) ? (categories[v] ?? "") : "")), splits: () => xs, gap: 4 },
          { values: (_u, splits) => splits.map((v) => `${prefix ?? ""}${v}${unit ?? ""}`), size: 56 },
        ],
        series: [
          {},
          ...series.map((s, i) => ({
            label: s.label,
            stroke: s.color,
            fill: s.color,
            width: 0,
            // side-by-side bars: each series takes its share of the category's width
            paths: uPlot.paths.bars?.({ size: [0.6 - (0.3 * i) / Math.max(1, n - 1), 80], align: 0 }),
            points: { show: false },
          })),
        ],
      },
      [xs, ...series.map((s) => s.values)],
      el,
    );
    return () => plot.destroy();
  }, [categories, series, unit, prefix]);
  return (
    <figure class="chart">
      <figcaption>{title}</figcaption>
      <div ref={box} role="img" aria-label={title} />
    </figure>
  );
}
