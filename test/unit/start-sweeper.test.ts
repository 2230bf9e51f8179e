import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Ctx } from "../../src/context.ts";
import { startSweeper } from "../../src/boot/start-sweeper.ts";

const RESULT = {
  inbound: { requeued: 0, failed: 0 },
  outbound: { released: 0, requeued: 0, cutOff: 0 },
  agent: { requested: 0 },
  slack: { requeued: 0 },
  sequences: { requeued: 0 },
} as never;

describe("startSweeper", () => {
  beforeEach(() => void vi.useFakeTimers());
  afterEach(() => void vi.useRealTimers());
  const ctx = { log: { warn: vi.fn() } } as unknown as Ctx;

  it.each([
    { everyMs: 10_000, at: [0, 9_999, 10_000, 30_000], sweeps: [1, 1, 2, 4] },
    { everyMs: 500, at: [0, 499, 500, 1_000], sweeps: [1, 1, 2, 3] },
    // 0: no timer, and no sweep unless called (the tests' clock decides)
    { everyMs: 0, at: [0, 60_000], sweeps: [0, 0] },
  ])("every $everyMs ms: the first sweep runs at start, then one a period", async ({ everyMs, at, sweeps }) => {
    const once = vi.fn(async () => RESULT);
    const s = startSweeper(ctx, everyMs, once);
    let now = 0;
    for (const [i, t] of at.entries()) {
      await vi.advanceTimersByTimeAsync(t - now);
      now = t;
      expect(once, `at ${t} ms`).toHaveBeenCalledTimes(sweeps[i]!);
    }
    s.stop();
    await vi.advanceTimersByTimeAsync(everyMs * 3);
    expect(once).toHaveBeenCalledTimes(sweeps.at(-1)!);
  });

  it("a sweep still running is joined, not started twice; a failed one is logged and the next runs", async () => {
    let finish: () => void = () => {};
    const once = vi
      .fn<(c: Ctx) => Promise<never>>()
      .mockImplementationOnce(() => new Promise((ok) => (finish = () => ok(RESULT))))
      .mockRejectedValueOnce(new Error("database away"))
      .mockResolvedValue(RESULT);
    const s = startSweeper(ctx, 1_000, once);
    const joined = s.sweep();
    expect(once).toHaveBeenCalledTimes(1); // the sweep at start is still running: sweep() joins it
    finish();
    await expect(joined).resolves.toBe(RESULT);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(once).toHaveBeenCalledTimes(2);
    expect(ctx.log.warn).toHaveBeenCalledWith({ err: "database away" }, "sweep failed; next one will retry");
    await vi.advanceTimersByTimeAsync(1_000);
    expect(once).toHaveBeenCalledTimes(3);
    s.stop();
  });
});
