export interface TestClock {
  now: () => Date;
  set(iso: string): void;
  advance(ms: number): void;
}

export function createClock(iso = "2026-11-18T15:00:00Z"): TestClock {
  let t = new Date(iso).getTime();
  return {
    now: () => new Date(t),
    set(v) {
      t = new Date(v).getTime();
    },
    advance(ms) {
      t += ms;
    },
  };
}
