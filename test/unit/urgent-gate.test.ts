import { describe, expect, it, vi } from "vitest";
import { createUrgentGate } from "../../src/lib/urgent-gate.ts";

describe("the urgent gate", () => {
  it("lets other work through at once when nothing urgent runs", async () => {
    const gate = createUrgentGate();
    await expect(gate.clear(10_000)).resolves.toBeUndefined();
  });

  it("holds other work until the last urgent job ends, and a double leave counts once", async () => {
    vi.useFakeTimers();
    try {
      const gate = createUrgentGate();
      const a = gate.enter();
      const b = gate.enter();
      let through = false;
      void gate.clear(10_000).then(() => (through = true));
      a();
      a();
      await vi.advanceTimersByTimeAsync(0);
      expect(through).toBe(false);
      expect(gate.running).toBe(1);
      b();
      await vi.advanceTimersByTimeAsync(0);
      expect(through).toBe(true);
      expect(gate.running).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });

  it("never holds other work longer than its bound", async () => {
    vi.useFakeTimers();
    try {
      const gate = createUrgentGate();
      gate.enter();
      let through = false;
      void gate.clear(250).then(() => (through = true));
      await vi.advanceTimersByTimeAsync(249);
      expect(through).toBe(false);
      await vi.advanceTimersByTimeAsync(1);
      expect(through).toBe(true);
    } finally {
      vi.useRealTimers();
    }
  });
});
