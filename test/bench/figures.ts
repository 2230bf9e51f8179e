// One JSON line per figure (ARCHITECTURE.md, "Benchmarks"), and the same-run floor beside a latency.

export function emit(figure: string, value: number, unit: string, extra: Record<string, unknown> = {}) {
  console.log(JSON.stringify({ figure, value: Math.round(value * 100) / 100, unit, ...extra }));
}

/** the p-th percentile of sorted samples (nearest rank); NaN when there are none */
export function pct(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/**
 * A latency figure (the p-th percentile of the app's samples) and beside it `<figure>.floor_ms`
 * (the same percentile of the floor server's samples for the same shape of work, same concurrency,
 * same run) and `<figure>.vs_floor` (app / floor).
 */
export function emitWithFloor(
  figure: string,
  p: number,
  app: number[],
  floor: number[],
  extra: Record<string, unknown> = {},
  floorExtra: Record<string, unknown> = {},
) {
  const a = pct(app, p);
  const f = pct(floor, p);
  emit(figure, a, "ms", extra);
  emit(`${figure}.floor_ms`, f, "ms", { samples: floor.length, ...floorExtra });
  emit(`${figure}.vs_floor`, a / f, "ratio", { app_ms: Math.round(a * 10) / 10, floor_ms: Math.round(f * 10) / 10 });
}
